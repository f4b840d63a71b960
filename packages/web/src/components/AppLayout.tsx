import {
  AppShell,
  Avatar,
  Box,
  Burger,
  Group,
  Image,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useChangeLocale, useLogout, useSession } from '../auth/session';
import { useBrandName } from '../hooks/useBrandName';
import { canAccess, isActivePath } from '../navigation';
import { type Screen, screens } from '../screens';
import classes from './AppLayout.module.css';
import { IconChevronRight, IconLogout, IconUser } from './icons';
import { LanguageSelect } from './LanguageSelect';
import { InlineLoader } from './States';

export function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const me = useSession();
  const items = screens.filter((screen) => canAccess(screen, me));

  // A tap on a link closes the mobile navbar.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => close(), [location.pathname]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <a href="#main" className={classes.skip}>
        {t('shell.skipToContent')}
      </a>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.toggleNavigation')}
            />
            <Brand />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <HeaderLanguageSelect />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label={t('shell.mainNavigation')}>
        <AppShell.Section grow component={ScrollArea}>
          <NavList items={items.filter((s) => s.group !== 'account')} />
        </AppShell.Section>
        <AppShell.Section className={classes.navFooter}>
          <NavList items={items.filter((s) => s.group === 'account')} />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main className={classes.main} id="main" tabIndex={-1}>
        <Suspense fallback={<InlineLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

function NavList({ items }: { items: readonly Screen[] }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <Stack gap={2}>
      {items.map((item) => {
        const active = isActivePath(item.path, pathname);
        const Icon = item.icon;
        return (
          <NavLink
            key={item.path}
            component={Link}
            to={item.path}
            label={t(item.labelKey)}
            leftSection={Icon ? <Icon /> : undefined}
            active={active}
            aria-current={active ? 'page' : undefined}
            variant="light"
          />
        );
      })}
    </Stack>
  );
}

function Brand() {
  const me = useSession();
  const name = useBrandName();
  const { logoUrl } = me.organization.branding;
  const [logoFailed, setLogoFailed] = useState(false);
  const showLogo = Boolean(logoUrl) && !logoFailed;
  return (
    <Link to="/" className={classes.brand}>
      <Group gap="sm" wrap="nowrap">
        {showLogo ? (
          <Image
            src={logoUrl}
            alt=""
            h={32}
            w="auto"
            maw={140}
            fit="contain"
            onError={() => setLogoFailed(true)}
          />
        ) : (
          <Avatar color="brand" variant="filled" radius="sm" size={32} aria-hidden>
            {name.slice(0, 1).toUpperCase()}
          </Avatar>
        )}
        <Text fw={600} size="lg" truncate maw={{ base: 160, sm: 360 }} data-testid="brand-name">
          {name}
        </Text>
      </Group>
    </Link>
  );
}

function HeaderLanguageSelect() {
  const { change } = useChangeLocale();
  return (
    <Box visibleFrom="xs">
      <LanguageSelect size="xs" onChange={change} />
    </Box>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <Menu position="bottom-end" width={220} withinPortal>
      <Menu.Target>
        <UnstyledButton className={classes.user} aria-label={t('shell.userMenu', { name: me.user.name })}>
          <Group gap="xs" wrap="nowrap">
            <Avatar color="brand" radius="xl" size={32} name={me.user.name} />
            <Stack gap={0} visibleFrom="sm">
              <Text size="sm" fw={500} lh={1.2} data-testid="user-name">
                {me.user.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2} data-testid="user-role">
                {t(`role.${me.role}`)}
              </Text>
            </Stack>
            <IconChevronRight size={14} className={classes.chevron} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.user.email}</Menu.Label>
        <Menu.Item leftSection={<IconUser size={16} />} onClick={() => navigate('/profile')}>
          {t('nav.profile')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          // Straight to the login page, without a "come back here" note meant for expired sessions.
          onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
          disabled={logout.isPending}
        >
          {t('shell.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
