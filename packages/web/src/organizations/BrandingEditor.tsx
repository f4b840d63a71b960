import {
  Alert,
  Box,
  Button,
  ColorInput,
  FileButton,
  Group,
  Image,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_PRIMARY, shadesOf } from '../theme';
import { type OrganizationRecord, updateOrganization } from './api';
import { organizationsErrorMessage } from './errors';
import {
  BRANDING_FIELDS,
  type BrandingField,
  type BrandingValues,
  brandingFormOf,
  checkBranding,
  fieldsOfError,
  isHexColour,
  isLogoUrl,
  LOGO_TYPES,
  type LogoFileProblem,
  logoFileProblem,
  MAX_LOGO_BYTES,
  normaliseColour,
  readableTextOn,
  toBranding,
} from './form';

const SWATCHES = ['#1c5fd4', '#0f766e', '#15803d', '#b45309', '#b91c1c', '#7c3aed', '#be185d', '#334155'];

const readAsDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

/**
 * A provider's or reseller's brand — name shown, logo, colours — with a preview of the console as its
 * users will see it, updated on every keystroke. Saved as one object through PATCH /organizations.
 */
export function BrandingEditor({ org, canEdit }: { org: OrganizationRecord; canEdit: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [values, setValues] = useState<BrandingValues>(() => brandingFormOf(org.branding));
  const [shown, setShown] = useState<BrandingField[]>([]);
  const [fileProblem, setFileProblem] = useState<LogoFileProblem | null>(null);
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: () => updateOrganization(org.id, org.version, { branding: toBranding(values) }),
    onSuccess: async (next) => {
      client.setQueryData(['organizations', 'record', next.id], next);
      // The form goes on from what was stored (the next save carries the new version).
      setValues(brandingFormOf(next.branding));
      setSaved(true);
      // The session carries the effective brand of the caller's organisation; it may be this one.
      await Promise.all([
        client.invalidateQueries({ queryKey: ['me'] }),
        client.invalidateQueries({ queryKey: ['organizations'] }),
      ]);
    },
    onError: (error) => setShown(fieldsOfError(error, BRANDING_FIELDS)),
  });

  const set = <K extends keyof BrandingValues>(key: K, value: BrandingValues[K]) => {
    setSaved(false);
    setValues((current) => ({ ...current, [key]: value }));
    setShown((current) => current.filter((field) => field !== key));
  };

  const upload = async (file: File | null) => {
    if (!file) return;
    const problem = logoFileProblem(file);
    setFileProblem(problem);
    if (!problem) set('logoUrl', await readAsDataUrl(file));
  };

  const error = (field: BrandingField) =>
    shown.includes(field) ? t(`organizations.branding.invalid.${field}`) : undefined;
  const uploaded = values.logoUrl.startsWith('data:');
  const unchanged =
    JSON.stringify(toBranding(values)) === JSON.stringify(toBranding(brandingFormOf(org.branding)));

  return (
    // Form above preview: the detail column is too narrow for both side by side.
    <Stack gap="xl">
      <form
        noValidate
        aria-labelledby="branding-title"
        onSubmit={(event) => {
          event.preventDefault();
          const problems = checkBranding(values);
          setShown(problems);
          if (problems.length === 0) save.mutate();
        }}
      >
        <Stack gap="md">
          <Title order={3} size="h5" id="branding-title">
            {t('organizations.branding.title')}
          </Title>
          <TextInput
            label={t('organizations.branding.displayName')}
            description={t('organizations.branding.displayNameHint', { name: org.name })}
            placeholder={org.name}
            value={values.displayName}
            onChange={(event) => set('displayName', event.currentTarget.value)}
            error={error('displayName')}
            maxLength={200}
            disabled={!canEdit}
          />
          <Stack gap={6}>
            <TextInput
              label={t('organizations.branding.logoUrl')}
              description={
                uploaded
                  ? t('organizations.branding.logoUploaded', {
                      size: Math.ceil((values.logoUrl.length * 3) / 4 / 1024),
                    })
                  : t('organizations.branding.logoUrlHint')
              }
              placeholder="https://"
              value={uploaded ? '' : values.logoUrl}
              onChange={(event) => set('logoUrl', event.currentTarget.value.trim())}
              error={
                error('logoUrl') ??
                (values.logoUrl && !uploaded && !isLogoUrl(values.logoUrl)
                  ? t('organizations.branding.invalid.logoUrl')
                  : undefined)
              }
              disabled={!canEdit}
            />
            {canEdit && (
              <Group gap="xs">
                <FileButton onChange={(file) => void upload(file)} accept={LOGO_TYPES.join(',')}>
                  {(props) => (
                    <Button {...props} size="xs" variant="light">
                      {t('organizations.branding.upload')}
                    </Button>
                  )}
                </FileButton>
                {values.logoUrl && (
                  <Button size="xs" variant="subtle" color="gray" onClick={() => set('logoUrl', '')}>
                    {t('organizations.branding.removeLogo')}
                  </Button>
                )}
                <Text size="xs" c="dimmed">
                  {t('organizations.branding.uploadHint', { size: MAX_LOGO_BYTES / 1024 })}
                </Text>
              </Group>
            )}
            {fileProblem && (
              <Text size="sm" c="red" role="alert">
                {t(`organizations.branding.${fileProblem}`, { size: MAX_LOGO_BYTES / 1024 })}
              </Text>
            )}
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {(['primaryColor', 'accentColor'] as const).map((field) => (
              <ColorInput
                key={field}
                label={t(`organizations.branding.${field}`)}
                description={t(`organizations.branding.${field}Hint`)}
                placeholder={
                  field === 'primaryColor' ? DEFAULT_PRIMARY : t('organizations.branding.samePrimary')
                }
                format="hex"
                swatches={SWATCHES}
                value={values[field]}
                onChange={(value) => set(field, value)}
                onBlur={() => set(field, normaliseColour(values[field]))}
                error={
                  error(field) ??
                  (values[field] && !isHexColour(values[field]) && !/^#?[0-9a-f]{0,5}$/i.test(values[field])
                    ? t(`organizations.branding.invalid.${field}`)
                    : undefined)
                }
                disabled={!canEdit}
              />
            ))}
          </SimpleGrid>
          {save.isError && (
            <Alert color="red" variant="light" role="alert" title={t('organizations.form.notSaved')}>
              {organizationsErrorMessage(t, save.error)}
            </Alert>
          )}
          {saved && !save.isPending && (
            <Alert color="teal" variant="light" role="status">
              {t('organizations.branding.saved')}
            </Alert>
          )}
          {canEdit && (
            <Group>
              <Button type="submit" loading={save.isPending} disabled={unchanged}>
                {t('organizations.branding.save')}
              </Button>
              <Button
                variant="default"
                disabled={unchanged}
                onClick={() => {
                  setValues(brandingFormOf(org.branding));
                  setShown([]);
                  setFileProblem(null);
                }}
              >
                {t('organizations.branding.reset')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      <BrandingPreview values={values} fallbackName={org.name} />
    </Stack>
  );
}

/** A miniature of the console in the brand being edited: header, navigation, a button, a badge. */
export function BrandingPreview({ values, fallbackName }: { values: BrandingValues; fallbackName: string }) {
  const { t } = useTranslation();
  const [failedLogo, setFailedLogo] = useState<string | null>(null);
  const primary = isHexColour(values.primaryColor) ? values.primaryColor.toLowerCase() : DEFAULT_PRIMARY;
  const accent = isHexColour(values.accentColor) ? values.accentColor.toLowerCase() : primary;
  const shades = shadesOf(primary);
  const name = values.displayName.trim() || fallbackName;
  const showLogo = isLogoUrl(values.logoUrl) && failedLogo !== values.logoUrl;
  const nav = ['nav.dashboard', 'nav.organizations', 'nav.audit'] as const;

  return (
    <Stack gap="xs">
      <Title order={3} size="h5" id="branding-preview-title">
        {t('organizations.branding.preview')}
      </Title>
      <Paper
        withBorder
        radius="md"
        style={{ overflow: 'hidden' }}
        data-testid="branding-preview"
        data-primary={primary}
        data-accent={accent}
        component="section"
        aria-labelledby="branding-preview-title"
      >
        <Group
          gap="sm"
          px="md"
          h={52}
          wrap="nowrap"
          style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
        >
          {showLogo ? (
            <Image
              src={values.logoUrl}
              alt=""
              h={28}
              w="auto"
              maw={120}
              fit="contain"
              data-testid="preview-logo"
              onError={() => setFailedLogo(values.logoUrl)}
            />
          ) : (
            <Box
              w={28}
              h={28}
              data-testid="preview-initial"
              style={{
                borderRadius: 4,
                background: primary,
                color: readableTextOn(primary),
                display: 'grid',
                placeItems: 'center',
                fontWeight: 700,
                fontSize: 14,
              }}
            >
              {name.slice(0, 1).toUpperCase()}
            </Box>
          )}
          <Text fw={600} truncate data-testid="preview-name">
            {name}
          </Text>
        </Group>
        <Group align="stretch" gap={0} wrap="nowrap" mih={170}>
          <Stack
            gap={4}
            p="xs"
            w={150}
            style={{ borderInlineEnd: '1px solid var(--mantine-color-default-border)' }}
          >
            {nav.map((key, index) => (
              <Box
                key={key}
                px="sm"
                py={6}
                style={{
                  borderRadius: 4,
                  fontSize: 13,
                  background: index === 1 ? shades[0] : undefined,
                  color: index === 1 ? shades[8] : undefined,
                  fontWeight: index === 1 ? 600 : 400,
                }}
              >
                {t(key)}
              </Box>
            ))}
          </Stack>
          <Stack gap="sm" p="md" style={{ flex: 1 }}>
            <Text size="sm" fw={600}>
              {t('organizations.branding.previewHeading')}
            </Text>
            <Group gap="xs">
              <Box
                component="span"
                data-testid="preview-button"
                px="md"
                py={6}
                style={{
                  background: primary,
                  color: readableTextOn(primary),
                  borderRadius: 4,
                  fontSize: 13,
                  fontWeight: 600,
                }}
              >
                {t('organizations.branding.previewButton')}
              </Box>
              <Box
                component="span"
                data-testid="preview-accent"
                px={8}
                py={2}
                style={{ background: accent, color: readableTextOn(accent), borderRadius: 12, fontSize: 11 }}
              >
                {t('organizations.branding.previewBadge')}
              </Box>
            </Group>
            <Text size="sm" style={{ color: shades[7] }}>
              {t('organizations.branding.previewLink')}
            </Text>
          </Stack>
        </Group>
      </Paper>
      <Text size="xs" c="dimmed">
        {t('organizations.branding.previewHint')}
      </Text>
    </Stack>
  );
}
