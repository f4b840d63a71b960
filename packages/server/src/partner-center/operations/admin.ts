import {
  type CustomerUser,
  type DirectoryRole,
  DirectoryRoleCollectionSchema,
  type UserMember,
  UserMemberSchema,
} from '../schemas/customers.ts';
import {
  type GdapRelationship,
  type GdapRelationshipRequest,
  GdapRelationshipRequestSchema,
  GdapRelationshipSchema,
} from '../schemas/graph.ts';
import { type CallOptions, compact, type MutationOptions, type OperationContext, seg } from './context.ts';
import type { CustomerOperations, CustomerUserInput } from './customers.ts';

/** Entra "Global Administrator" role template (the customer's Company Administrator role). */
export const GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

export interface GdapRelationshipInput {
  /** Unique per partner, at most 50 characters. */
  displayName: string;
  /** ISO-8601, P1D…P2Y (e.g. `P730D`). */
  duration: string;
  customer?: { tenantId: string; displayName?: string | undefined } | undefined;
  /** Entra role definition ids granted to the partner. */
  roleDefinitionIds: readonly string[];
  /** `PT0S` (no auto-extension, default) or `P180D`. */
  autoExtendDuration?: string | undefined;
}

export type AdminUser =
  | { userId: string; userPrincipalName?: string; displayName?: string }
  | { create: CustomerUserInput };

export function adminOperations(ctx: OperationContext, customers: CustomerOperations) {
  const t = ctx.transport;

  const ops = {
    async listDirectoryRoles(customerId: string, options: CallOptions = {}): Promise<DirectoryRole[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'admin.listDirectoryRoles',
          method: 'GET',
          path: `/customers/${seg(customerId)}/directoryroles`,
          ...options,
        },
        DirectoryRoleCollectionSchema,
      );
      return data.items;
    },

    /** Adds a customer user to a directory role (`POST .../directoryroles/{roleId}/usermembers`). */
    async addUserToDirectoryRole(
      customerId: string,
      roleId: string,
      user: { id: string; userPrincipalName?: string | undefined; displayName?: string | undefined },
      options: MutationOptions,
    ): Promise<UserMember> {
      const body = compact({
        Id: user.id,
        DisplayName: user.displayName,
        UserPrincipalName: user.userPrincipalName,
        RoleId: roleId,
        Attributes: { ObjectType: 'UserMember' },
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'admin.addUserToDirectoryRole',
          method: 'POST',
          path: `/customers/${seg(customerId)}/directoryroles/${seg(roleId)}/usermembers`,
          body,
          ...options,
        },
        UserMemberSchema,
      );
      return data;
    },

    /**
     * Makes a new or existing customer user an administrator: creates the user when asked, then adds the
     * membership. Sub-steps get derived operation keys, so a retry after a crash neither creates a second
     * user nor fails on the half-done work.
     */
    async assignAdmin(
      customerId: string,
      input: { user: AdminUser; roleId: string },
      options: MutationOptions,
    ): Promise<{ user: CustomerUser | undefined; membership: UserMember }> {
      let created: CustomerUser | undefined;
      let member: { id: string; userPrincipalName?: string | undefined; displayName?: string | undefined };
      if ('create' in input.user) {
        created = await customers.createUser(customerId, input.user.create, {
          ...options,
          operationKey: `${options.operationKey}:user`,
        });
        member = {
          id: created.id,
          userPrincipalName: created.userPrincipalName,
          displayName: created.displayName,
        };
      } else {
        member = {
          id: input.user.userId,
          userPrincipalName: input.user.userPrincipalName,
          displayName: input.user.displayName,
        };
      }
      const membership = await ops.addUserToDirectoryRole(customerId, input.roleId, member, {
        ...options,
        operationKey: `${options.operationKey}:role`,
      });
      return { user: created, membership };
    },

    /** GDAP: proposes a granular delegated admin relationship (Microsoft Graph). */
    async createGdapRelationship(
      input: GdapRelationshipInput,
      options: CallOptions & { operationKey?: string | undefined } = {},
    ): Promise<GdapRelationship> {
      const body = compact({
        displayName: input.displayName,
        duration: input.duration,
        customer: input.customer ? compact({ ...input.customer }) : undefined,
        accessDetails: {
          unifiedRoles: input.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })),
        },
        autoExtendDuration: input.autoExtendDuration,
      });
      const { data } = await t.json(
        {
          api: 'graph',
          operation: 'admin.createGdapRelationship',
          method: 'POST',
          path: '/tenantRelationships/delegatedAdminRelationships',
          body,
          ...options,
        },
        GdapRelationshipSchema,
      );
      return data;
    },

    /** GDAP: `lockForApproval` (ready for the customer to approve) or `terminate`. */
    async requestGdapAction(
      relationshipId: string,
      action: 'lockForApproval' | 'terminate',
      options: CallOptions & { operationKey?: string | undefined } = {},
    ): Promise<GdapRelationshipRequest> {
      const { data } = await t.json(
        {
          api: 'graph',
          operation: 'admin.gdapRequest',
          method: 'POST',
          path: `/tenantRelationships/delegatedAdminRelationships/${seg(relationshipId)}/requests`,
          body: { action },
          ...options,
        },
        GdapRelationshipRequestSchema,
      );
      return data;
    },
  };
  return ops;
}

export type AdminOperations = ReturnType<typeof adminOperations>;
