import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { Organization } from '../../api/types';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../hooks/useFormat';
import {
  type CatalogItem,
  catalogSearchQuery,
  createOrganization,
  customerOptionsQuery,
  domainAvailability,
  type OrderInput,
  type OrderLineInput,
  placeOrder,
  priceQuoteQuery,
} from '../api';
import { partnerErrorMessage } from '../errors';
import { offerChoices, type WizardLine } from './wizard';

const DOMAIN_PREFIX = /^[a-z0-9]{2,27}$/;

interface TenantForm {
  domainPrefix: string;
  email: string;
  firstName: string;
  lastName: string;
  addressLine1: string;
  city: string;
  postalCode: string;
}

const EMPTY_TENANT: TenantForm = {
  domainPrefix: '',
  email: '',
  firstName: '',
  lastName: '',
  addressLine1: '',
  city: '',
  postalCode: '',
};

export default function OrderWizard() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [step, setStep] = useState(0);
  const [mode, setMode] = useState<'existing' | 'new'>('existing');
  const [customer, setCustomer] = useState<Organization | null>(null);
  const [companyName, setCompanyName] = useState('');
  const [tenant, setTenant] = useState<TenantForm>(EMPTY_TENANT);
  const [lines, setLines] = useState<WizardLine[]>([]);
  const [azurePlan, setAzurePlan] = useState(false);
  const [start, setStart] = useState<'now' | 'date'>('now');
  const [startDate, setStartDate] = useState('');
  const [reference, setReference] = useState('');
  // One key per wizard: a double click or a retry after a lost answer returns the same order.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);

  const needsTenant = mode === 'new' || (customer !== null && !customer.tenantId);
  const tenantValid =
    !needsTenant ||
    (DOMAIN_PREFIX.test(tenant.domainPrefix) &&
      /.+@.+\..+/.test(tenant.email) &&
      tenant.firstName.trim() !== '' &&
      tenant.lastName.trim() !== '' &&
      tenant.addressLine1.trim() !== '' &&
      tenant.city.trim() !== '' &&
      tenant.postalCode.trim() !== '');

  const createCustomer = useMutation({
    mutationFn: () =>
      createOrganization({
        parentId: me.organization.id,
        kind: 'customer',
        name: companyName.trim(),
        country: me.organization.country,
        currency: me.organization.currency,
        timeZone: me.organization.timeZone,
        locale: me.organization.locale,
      }),
    onSuccess: async (org) => {
      setCustomer(org);
      setMode('existing');
      setStep(1);
      await client.invalidateQueries({ queryKey: ['organizations'] });
    },
  });

  const submit = useMutation({
    mutationFn: () => {
      const input: OrderInput = {
        customerId: customer!.id,
        lines: [
          ...lines.map(
            (line): OrderLineInput => ({
              type: 'purchase',
              sku: line.sku,
              quantity: line.quantity,
              term: line.term,
              billingCycle: line.billingCycle,
            }),
          ),
          ...(azurePlan ? [{ type: 'azure_plan' as const }] : []),
        ],
        ...(start === 'date' && startDate ? { effectiveDate: startDate } : { effective: 'now' as const }),
        ...(reference.trim() ? { reference: reference.trim() } : {}),
        ...(needsTenant
          ? {
              tenant: {
                mode: 'new' as const,
                domainPrefix: tenant.domainPrefix,
                companyName: customer!.name,
                email: tenant.email.trim(),
                contact: { firstName: tenant.firstName.trim(), lastName: tenant.lastName.trim() },
                address: {
                  addressLine1: tenant.addressLine1.trim(),
                  city: tenant.city.trim(),
                  postalCode: tenant.postalCode.trim(),
                  country: customer!.country,
                },
              },
            }
          : {}),
      };
      return placeOrder(input, idempotencyKey, me.csrfToken);
    },
    onSuccess: async (order) => {
      await client.invalidateQueries({ queryKey: ['orders'] });
      await client.invalidateQueries({ queryKey: ['subscriptions'] });
      navigate(`/orders/${encodeURIComponent(order.id)}`);
    },
  });

  const customerStepDone = mode === 'existing' ? customer !== null && tenantValid : false;
  const next = () => {
    if (step === 0 && mode === 'new') createCustomer.mutate();
    else setStep((s) => s + 1);
  };
  const canNext =
    step === 0
      ? mode === 'new'
        ? companyName.trim() !== '' && tenantValid
        : customerStepDone
      : step === 1
        ? (lines.length > 0 || azurePlan) && lines.every((line) => line.quantity > 0)
        : step === 2
          ? start === 'now' || /^\d{4}-\d{2}-\d{2}$/.test(startDate)
          : false;

  return (
    <>
      <PageHeader title={t('wizard.title')} description={t('wizard.description')} />
      <Anchor component={Link} to="/orders" mb="md" display="block">
        {t('orders.back')}
      </Anchor>
      <Paper withBorder p="lg" radius="md">
        <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm">
          <Stepper.Step label={t('wizard.stepCustomer')}>
            <Stack gap="md" mt="md">
              <SegmentedControl
                aria-label={t('wizard.customerMode')}
                value={mode}
                onChange={(value) => setMode(value as 'existing' | 'new')}
                data={[
                  { value: 'existing', label: t('wizard.existingCustomer') },
                  { value: 'new', label: t('wizard.newCustomer') },
                ]}
                w="fit-content"
              />
              {mode === 'existing' ? (
                <ExistingCustomer value={customer} onChange={setCustomer} />
              ) : (
                <TextInput
                  label={t('wizard.companyName')}
                  value={companyName}
                  onChange={(event) => setCompanyName(event.currentTarget.value)}
                  required
                  w={400}
                />
              )}
              {needsTenant && <TenantFields value={tenant} onChange={setTenant} />}
              {createCustomer.isError && (
                <Alert color="red" role="alert">
                  {partnerErrorMessage(t, createCustomer.error)}
                </Alert>
              )}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t('wizard.stepLines')}>
            {customer && <LinesStep customer={customer} lines={lines} onChange={setLines} />}
            <Checkbox
              mt="md"
              label={t('wizard.azurePlan')}
              description={t('wizard.azurePlanHint')}
              checked={azurePlan}
              onChange={(event) => setAzurePlan(event.currentTarget.checked)}
            />
          </Stepper.Step>
          <Stepper.Step label={t('wizard.stepStart')}>
            <Stack gap="md" mt="md">
              <Radio.Group
                label={t('wizard.startLabel')}
                value={start}
                onChange={(value) => setStart(value as 'now' | 'date')}
              >
                <Stack gap="xs" mt="xs">
                  <Radio value="now" label={t('wizard.startNow')} />
                  <Radio value="date" label={t('wizard.startDate')} />
                </Stack>
              </Radio.Group>
              {start === 'date' && (
                <TextInput
                  type="date"
                  label={t('wizard.date')}
                  value={startDate}
                  onChange={(event) => setStartDate(event.currentTarget.value)}
                  w={220}
                />
              )}
              <TextInput
                label={t('wizard.reference')}
                value={reference}
                onChange={(event) => setReference(event.currentTarget.value)}
                w={400}
              />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t('wizard.stepReview')}>
            {customer && (
              <Review
                customer={customer}
                lines={lines}
                azurePlan={azurePlan}
                domain={needsTenant ? `${tenant.domainPrefix}.onmicrosoft.com` : null}
                start={start === 'date' ? startDate : null}
                reference={reference}
              />
            )}
            {submit.isError && (
              <Alert color="red" role="alert" mt="md" data-testid="wizard-error">
                {partnerErrorMessage(t, submit.error)}
              </Alert>
            )}
          </Stepper.Step>
        </Stepper>
        <Group justify="space-between" mt="xl">
          <Button variant="default" onClick={() => setStep((s) => s - 1)} disabled={step === 0}>
            {t('wizard.back')}
          </Button>
          {step < 3 ? (
            <Button onClick={next} disabled={!canNext} loading={createCustomer.isPending}>
              {step === 0 && mode === 'new' ? t('wizard.createCustomer') : t('wizard.next')}
            </Button>
          ) : (
            <Button onClick={() => submit.mutate()} loading={submit.isPending} color="green">
              {t('wizard.submit')}
            </Button>
          )}
        </Group>
      </Paper>
    </>
  );
}

function ExistingCustomer({
  value,
  onChange,
}: {
  value: Organization | null;
  onChange: (org: Organization | null) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const query = useQuery(customerOptionsQuery(q === value?.name ? '' : q));
  const items = query.data?.items ?? [];
  const byId = new Map(items.map((org) => [org.id, org]));
  if (value) byId.set(value.id, value);
  return (
    <Stack gap="xs">
      <Select
        label={t('wizard.customer')}
        placeholder={t('wizard.customerPlaceholder')}
        data={[...byId.values()].map((org) => ({ value: org.id, label: org.name }))}
        value={value?.id ?? null}
        onChange={(id) => onChange(id ? (byId.get(id) ?? null) : null)}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options }) => options}
        nothingFoundMessage={t('usage.noCustomerFound')}
        w={400}
      />
      {value && !value.tenantId && <Text size="sm">{t('wizard.noTenantYet')}</Text>}
      {value?.tenantId && (
        <Text size="sm" c="dimmed">
          {t('wizard.hasTenant', { domain: value.domains[0] ?? value.tenantId })}
        </Text>
      )}
    </Stack>
  );
}

function TenantFields({ value, onChange }: { value: TenantForm; onChange: (value: TenantForm) => void }) {
  const { t } = useTranslation();
  const set = (field: keyof TenantForm) => (event: React.ChangeEvent<HTMLInputElement>) =>
    onChange({ ...value, [field]: event.currentTarget.value });
  const [prefix] = useDebouncedValue(value.domainPrefix, 400);
  const valid = DOMAIN_PREFIX.test(prefix);
  const check = useQuery({
    queryKey: ['orders', 'domain-availability', prefix],
    queryFn: ({ signal }) => domainAvailability(prefix, signal),
    enabled: valid,
    retry: false,
    staleTime: 60_000,
  });
  const status = !value.domainPrefix
    ? null
    : !DOMAIN_PREFIX.test(value.domainPrefix)
      ? { color: 'red', text: t('wizard.domainInvalid') }
      : check.isFetching || prefix !== value.domainPrefix
        ? { color: 'dimmed', text: t('wizard.domainChecking') }
        : check.isError
          ? { color: 'red', text: partnerErrorMessage(t, check.error) }
          : check.data?.available
            ? { color: 'green', text: t('wizard.domainAvailable', { domain: check.data.domain }) }
            : check.data
              ? { color: 'red', text: t('wizard.domainTaken', { domain: check.data.domain }) }
              : null;
  return (
    <Paper withBorder p="md" radius="md" component="fieldset">
      <Title order={3} size="h5" mb="sm" component="legend">
        {t('wizard.tenantTitle')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={4}>
          <TextInput
            label={t('wizard.domainPrefix')}
            description={t('wizard.domainHint')}
            rightSection={<Text size="xs">.onmicrosoft.com</Text>}
            rightSectionWidth={120}
            value={value.domainPrefix}
            onChange={(event) =>
              onChange({ ...value, domainPrefix: event.currentTarget.value.toLowerCase() })
            }
            required
          />
          {status && (
            <Text size="sm" c={status.color} role="status" data-testid="domain-status">
              {status.text}
            </Text>
          )}
        </Stack>
        <TextInput
          label={t('wizard.email')}
          type="email"
          value={value.email}
          onChange={set('email')}
          required
        />
        <TextInput
          label={t('wizard.firstName')}
          value={value.firstName}
          onChange={set('firstName')}
          required
        />
        <TextInput label={t('wizard.lastName')} value={value.lastName} onChange={set('lastName')} required />
        <TextInput
          label={t('wizard.address')}
          value={value.addressLine1}
          onChange={set('addressLine1')}
          required
        />
        <TextInput label={t('wizard.city')} value={value.city} onChange={set('city')} required />
        <TextInput
          label={t('wizard.postalCode')}
          value={value.postalCode}
          onChange={set('postalCode')}
          required
        />
      </SimpleGrid>
    </Paper>
  );
}

function LinesStep({
  customer,
  lines,
  onChange,
}: {
  customer: Organization;
  lines: WizardLine[];
  onChange: (lines: WizardLine[]) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const catalog = useQuery(catalogSearchQuery(q));
  const items = catalog.data?.items ?? [];
  const byId = new Map(items.map((item) => [item.id, item]));

  const add = (item: CatalogItem) => {
    const choice = offerChoices(item, customer.country)[0];
    if (!choice) return;
    onChange([
      ...lines,
      {
        key: crypto.randomUUID(),
        sku: `${item.productId}:${item.skuId}`,
        title: item.title,
        term: choice.term,
        billingCycle: choice.billingCycle,
        quantity: 1,
        item,
      },
    ]);
    setSearch('');
  };

  return (
    <Stack gap="md" mt="md">
      <Select
        label={t('wizard.skuSearch')}
        placeholder={t('wizard.skuPlaceholder')}
        data={items
          .filter((item) => offerChoices(item, customer.country).length > 0)
          .map((item) => ({ value: item.id, label: item.title }))}
        value={null}
        onChange={(id) => {
          const item = id ? byId.get(id) : undefined;
          if (item) add(item);
        }}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options }) => options}
        nothingFoundMessage={t('wizard.noSku')}
        w={480}
        data-testid="sku-search"
      />
      {lines.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('wizard.noLines')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table data-testid="wizard-lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('orders.product')}</Table.Th>
                <Table.Th>{t('orders.term')}</Table.Th>
                <Table.Th>{t('orders.quantity')}</Table.Th>
                <Table.Th ta="right">{t('wizard.price')}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">{t('wizard.remove')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((line) => (
                <LineRow
                  key={line.key}
                  line={line}
                  customer={customer}
                  onChange={(next) => onChange(lines.map((l) => (l.key === line.key ? next : l)))}
                  onRemove={() => onChange(lines.filter((l) => l.key !== line.key))}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function LineRow({
  line,
  customer,
  onChange,
  onRemove,
}: {
  line: WizardLine;
  customer: Organization;
  onChange: (line: WizardLine) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const choices = offerChoices(line.item, customer.country);
  const [quantity] = useDebouncedValue(line.quantity, 250);
  const price = useQuery(
    priceQuoteQuery(
      quantity > 0
        ? { customer: customer.id, sku: line.sku, quantity, term: line.term, billingCycle: line.billingCycle }
        : null,
    ),
  );
  return (
    <Table.Tr>
      <Table.Td>{line.title}</Table.Td>
      <Table.Td>
        <Select
          aria-label={t('wizard.termFor', { title: line.title })}
          data={choices.map((c) => ({ value: c.value, label: `${c.term} / ${c.billingCycle}` }))}
          value={`${line.term}|${line.billingCycle}`}
          onChange={(value) => {
            const choice = choices.find((c) => c.value === value);
            if (choice) onChange({ ...line, term: choice.term, billingCycle: choice.billingCycle });
          }}
          allowDeselect={false}
          w={180}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={t('wizard.quantityFor', { title: line.title })}
          min={1}
          value={line.quantity}
          onChange={(value) => onChange({ ...line, quantity: Number(value) || 0 })}
          w={110}
        />
      </Table.Td>
      <Table.Td ta="right" data-testid="line-price">
        {price.isFetching && !price.data ? (
          <Text size="sm" c="dimmed">
            {t('common.loading')}
          </Text>
        ) : price.isError ? (
          <Text size="sm" c="red">
            {partnerErrorMessage(t, price.error)}
          </Text>
        ) : price.data ? (
          <Stack gap={0} title={price.data.explanation.summary}>
            <Text size="sm" fw={600}>
              {t('wizard.perCycle', {
                amount: f.money(price.data.totalPerBillingCycle, price.data.currency),
              })}
            </Text>
            <Text size="xs" c="dimmed">
              {t('wizard.unitAndTerm', {
                unit: f.money(price.data.unitPrice, price.data.currency),
                term: f.money(price.data.totalPerTerm, price.data.currency),
              })}
            </Text>
          </Stack>
        ) : null}
      </Table.Td>
      <Table.Td>
        <ActionIcon
          variant="subtle"
          color="red"
          onClick={onRemove}
          aria-label={t('wizard.removeLine', { title: line.title })}
        >
          ×
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}

function Review({
  customer,
  lines,
  azurePlan,
  domain,
  start,
  reference,
}: {
  customer: Organization;
  lines: WizardLine[];
  azurePlan: boolean;
  domain: string | null;
  start: string | null;
  reference: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Stack gap="sm" mt="md" data-testid="wizard-review">
      <Text>
        <b>{t('wizard.customer')}:</b> {customer.name}
      </Text>
      {domain && (
        <Text>
          <b>{t('wizard.newTenant')}:</b> {domain}
        </Text>
      )}
      <Text>
        <b>{t('wizard.stepStart')}:</b> {start ? f.date(start) : t('wizard.startNow')}
      </Text>
      {reference.trim() && (
        <Text>
          <b>{t('wizard.reference')}:</b> {reference}
        </Text>
      )}
      <Stack gap={2} component="ul">
        {lines.map((line) => (
          <li key={line.key}>
            {line.quantity} × {line.title} ({line.term} / {line.billingCycle})
          </li>
        ))}
        {azurePlan && <li>{t('wizard.azurePlan')}</li>}
      </Stack>
    </Stack>
  );
}
