import { MantineProvider } from '@mantine/core';
import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { RouterProvider } from 'react-router-dom';
import { meQuery } from './api/queries';
import { createQueryClient } from './api/queryClient';
import { createRouter } from './router';
import { buildTheme } from './theme';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <BrandedTheme>
        <RouterProvider router={router} />
      </BrandedTheme>
    </QueryClientProvider>
  );
}

/** White-labelling: the signed-in organisation's colours (a customer gets its seller's) theme the whole UI. */
function BrandedTheme({ children }: { children: ReactNode }) {
  const { data: me } = useQuery(meQuery);
  const primaryColor = me?.organization.branding.primaryColor;
  const accentColor = me?.organization.branding.accentColor;
  // Keyed on the colour values, so a /me refetch with the same branding keeps the same theme object.
  const theme = useMemo(() => buildTheme({ primaryColor, accentColor }), [primaryColor, accentColor]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      {children}
    </MantineProvider>
  );
}
