import { Icon, type IconComponent } from '../components/icons';

// The panel's navigation icons, in the console's frame; cart and chart are the console's own.
export { IconCart, IconChart } from '../components/icons';

export const IconHome: IconComponent = (p) => (
  <Icon {...p}>
    <path d="M3 11l9-7 9 7M5 10v10h14V10M10 20v-6h4v6" />
  </Icon>
);

export const IconContracts: IconComponent = (p) => (
  <Icon {...p}>
    <path d="M7 3h7l5 5v13H7zM14 3v5h5M10 13h6M10 17h6" />
  </Icon>
);

export const IconOrders: IconComponent = (p) => (
  <Icon {...p}>
    <path d="M9 5h10M9 12h10M9 19h10M4 5h1M4 12h1M4 19h1" />
  </Icon>
);

export const IconUsers: IconComponent = (p) => (
  <Icon {...p}>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 7M18 14.5a6.5 6.5 0 0 1 3.5 5.5" />
  </Icon>
);

export const IconHelp: IconComponent = (p) => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7M12 17h.01" />
  </Icon>
);

export const IconDownload: IconComponent = (p) => (
  <Icon {...p}>
    <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
  </Icon>
);

export const IconInvoice: IconComponent = (p) => (
  <Icon {...p}>
    <path d="M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6M9 16h3" />
  </Icon>
);
