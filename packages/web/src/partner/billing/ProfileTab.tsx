import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, InlineLoader } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  type BillingProfile,
  type BillingProfileFields,
  billingProfileQuery,
  isRegistrationNumber,
  saveBillingProfile,
} from './api';
import { billingErrorMessage } from './errors';

const CURRENCIES = ['JPY', 'EUR', 'USD', 'GBP', 'CHF', 'AUD', 'SGD'];

/** The seller's billing profile: what its invoices look like and when they are made. */
export default function ProfileTab() {
  const query = useQuery(billingProfileQuery());
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <ProfileForm key={query.data.organizationId} profile={query.data} />;
}

function ProfileForm({ profile }: { profile: BillingProfile }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [form, setForm] = useState<BillingProfileFields>(() => ({
    currency: profile.currency,
    billingDay: profile.billingDay,
    paymentTermsDays: profile.paymentTermsDays,
    registrationNumber: profile.registrationNumber,
    vatId: profile.vatId,
    taxRounding: profile.taxRounding,
    pricesIncludeTax: profile.pricesIncludeTax,
    bankDetails: profile.bankDetails,
    invoiceLocale: profile.invoiceLocale,
    numberPrefix: profile.numberPrefix,
    numberDigits: profile.numberDigits,
    usagePolicy: profile.usagePolicy,
  }));
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof BillingProfileFields>(key: K, value: BillingProfileFields[K]) => {
    setSaved(false);
    setForm((current) => ({ ...current, [key]: value }));
  };
  const save = useMutation({
    mutationFn: () => saveBillingProfile(form),
    onSuccess: (next) => {
      client.setQueryData(billingProfileQuery().queryKey, next);
      setSaved(true);
    },
  });
  const registration = form.registrationNumber?.trim() ?? '';
  const registrationError =
    registration !== '' && !isRegistrationNumber(registration)
      ? t('billing.profile.registrationInvalid')
      : undefined;
  const japan = profile.country === 'JP';
  const example = `${form.numberPrefix}${'1'.padStart(form.numberDigits, '0')}`;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!registrationError) save.mutate();
      }}
      aria-labelledby="profile-title"
    >
      <Stack gap="md" maw={900}>
        <Group justify="space-between">
          <Title order={2} size="h4" id="profile-title">
            {t('billing.profile.title', { name: profile.organizationName })}
          </Title>
          <Text size="sm" c="dimmed">
            {f.country(profile.country)} · {f.timeZone(profile.timeZone)}
          </Text>
        </Group>
        {!profile.stored && (
          <Alert color="blue" variant="light">
            {t('billing.profile.defaults')}
          </Alert>
        )}
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h5" mb="sm">
            {t('billing.profile.invoicing')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            <Select
              label={t('billing.profile.currency')}
              data={[...new Set([profile.currency, ...CURRENCIES])].map((code) => ({
                value: code,
                label: `${code} – ${f.currency(code)}`,
              }))}
              value={form.currency}
              onChange={(value) => value && set('currency', value)}
              allowDeselect={false}
            />
            <NumberInput
              label={t('billing.profile.billingDay')}
              description={t('billing.profile.billingDayHint')}
              min={1}
              max={28}
              allowDecimal={false}
              value={form.billingDay}
              onChange={(value) => set('billingDay', Number(value) || 1)}
            />
            <NumberInput
              label={t('billing.profile.paymentTerms')}
              description={t('billing.profile.paymentTermsHint')}
              min={0}
              max={365}
              allowDecimal={false}
              value={form.paymentTermsDays}
              onChange={(value) => set('paymentTermsDays', Number(value) || 0)}
            />
            <Select
              label={t('billing.profile.invoiceLocale')}
              data={(['ja', 'en', 'de'] as const).map((code) => ({ value: code, label: f.language(code) }))}
              value={form.invoiceLocale}
              onChange={(value) =>
                value && set('invoiceLocale', value as BillingProfileFields['invoiceLocale'])
              }
              allowDeselect={false}
            />
            <TextInput
              label={t('billing.profile.numberPrefix')}
              value={form.numberPrefix}
              onChange={(event) => set('numberPrefix', event.currentTarget.value)}
              maxLength={20}
            />
            <NumberInput
              label={t('billing.profile.numberDigits')}
              description={t('billing.profile.numberExample', { example })}
              min={1}
              max={12}
              allowDecimal={false}
              value={form.numberDigits}
              onChange={(value) => set('numberDigits', Math.min(12, Math.max(1, Number(value) || 1)))}
            />
            <Select
              label={t('billing.profile.usagePolicy')}
              data={(['billed', 'unbilled'] as const).map((value) => ({
                value,
                label: t(`billing.profile.usagePolicies.${value}`),
              }))}
              value={form.usagePolicy}
              onChange={(value) => value && set('usagePolicy', value as BillingProfileFields['usagePolicy'])}
              allowDeselect={false}
            />
          </SimpleGrid>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h5" mb="sm">
            {t('billing.profile.tax')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            <TextInput
              label={t('billing.profile.registrationNumber')}
              description={t('billing.profile.registrationHint')}
              placeholder="T1234567890123"
              value={form.registrationNumber ?? ''}
              onChange={(event) => set('registrationNumber', event.currentTarget.value || null)}
              error={registrationError}
              maxLength={20}
              required={japan}
            />
            <TextInput
              label={t('billing.profile.vatId')}
              value={form.vatId ?? ''}
              onChange={(event) => set('vatId', event.currentTarget.value || null)}
              maxLength={40}
            />
            <Select
              label={t('billing.profile.taxRounding')}
              data={(['down', 'half-up', 'up'] as const).map((value) => ({
                value,
                label: t(`billing.profile.roundings.${value === 'half-up' ? 'halfUp' : value}`),
              }))}
              value={form.taxRounding}
              onChange={(value) => value && set('taxRounding', value as BillingProfileFields['taxRounding'])}
              allowDeselect={false}
            />
            <Checkbox
              label={t('billing.profile.pricesIncludeTax')}
              checked={form.pricesIncludeTax}
              onChange={(event) => set('pricesIncludeTax', event.currentTarget.checked)}
              mt="md"
            />
          </SimpleGrid>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Textarea
            label={t('billing.profile.bankDetails')}
            description={t('billing.profile.bankDetailsHint')}
            autosize
            minRows={3}
            maxLength={2000}
            value={form.bankDetails}
            onChange={(event) => set('bankDetails', event.currentTarget.value)}
          />
        </Paper>
        {save.isError && (
          <Alert color="red" role="alert">
            {billingErrorMessage(t, save.error)}
          </Alert>
        )}
        {saved && (
          <Alert color="green" role="status">
            {t('billing.profile.saved')}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={Boolean(registrationError)}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
