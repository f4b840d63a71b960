export * from './billing.ts';
export * from './catalog.ts';
export * from './common.ts';
export * from './customers.ts';
export * from './errors.ts';
export * from './graph.ts';
export * from './orders.ts';
export * from './subscriptions.ts';
