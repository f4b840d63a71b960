import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
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
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
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
  priceQuoteQuery,
  type Subscription,
  subscriptionListQuery,
} from '../api';
import { partnerErrorMessage } from '../errors';
import { LinesTableHead } from './LinesTableHead';
import { organizationQuery, placeWizardOrder } from './orderApi';
import {
  type AdminForm,
  buildOrderPayload,
  DOMAIN_PREFIX,
  EMPTY_ADMIN,
  EMPTY_NEW_TENANT,
  lineProblems,
  type NewTenantForm,
  offerChoices,
  type Problem,
  type StartChoice,
  startProblems,
  type TenantMode,
  tenantProblems,
  tenantSummary,
  type WizardCustomer,
  type WizardLine,
  type WizardState,
} from './wizard';

const toWizardCustomer = (org: Organization): WizardCustomer => ({
  id: org.id,
  name: org.name,
  country: org.country,
  hasTenant: org.tenantId !== null,
});

/** The input's error text once the step was tried, else nothing. */
function useProblemText(problems: ReadonlySet<Problem>) {
  const { t } = useTranslation();
  return (problem: Problem) => (problems.has(problem) ? t(`wizard.problem.${problem}`) : undefined);
}

export default function OrderWizard() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [params] = useSearchParams();
  // From a subscription's "add an add-on": the customer and the base subscription are known.
  const presetCustomer = params.get('customer');
  const presetBase = params.get('base');
  const [step, setStep] = useState(0);
  const [mode, setMode] = useState<'existing' | 'new'>('existing');
  const [customer, setCustomer] = useState<Organization | null>(null);
  const [companyName, setCompanyName] = useState('');
  const [tenantMode, setTenantMode] = useState<TenantMode>('new');
  const [newTenant, setNewTenant] = useState<NewTenantForm>(EMPTY_NEW_TENANT);
  const [existingDomain, setExistingDomain] = useState('');
  const [lines, setLines] = useState<WizardLine[]>([]);
  const [azurePlan, setAzurePlan] = useState(false);
  const [admin, setAdmin] = useState<AdminForm>(EMPTY_ADMIN);
  const [start, setStart] = useState<StartChoice>('now');
  const [startDate, setStartDate] = useState('');
  const [reference, setReference] = useState('');
  const [tried, setTried] = useState<number | null>(null);
  // One key per wizard: a double click or a retry after a lost answer returns the same order.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);

  const preset = useQuery(organizationQuery(presetCustomer));
  useEffect(() => {
    if (preset.data && customer === null) setCustomer(preset.data);
  }, [preset.data, customer]);

  const wizardCustomer: WizardCustomer | null = customer
    ? toWizardCustomer(customer)
    : mode === 'new'
      ? { id: '', name: companyName.trim(), country: me.organization.country, hasTenant: false }
      : null;
  const state: WizardState | null = wizardCustomer && {
    customer: wizardCustomer,
    tenantMode,
    newTenant,
    existingDomain,
    lines,
    azurePlan,
    admin,
    start,
    startDate,
    reference,
  };
  const stepProblems: Problem[] = !state
    ? []
    : step === 0
      ? tenantProblems(state)
      : step === 1
        ? lineProblems(state)
        : step === 2
          ? startProblems(state)
          : [];
  const shown = new Set<Problem>(tried === step ? stepProblems : []);

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
      setTried(null);
      setStep(1);
      await client.invalidateQueries({ queryKey: ['organizations'] });
    },
  });

  const submit = useMutation({
    mutationFn: () => placeWizardOrder(buildOrderPayload(state!), idempotencyKey, me.csrfToken),
    onSuccess: async (order) => {
      await client.invalidateQueries({ queryKey: ['orders'] });
      await client.invalidateQueries({ queryKey: ['subscriptions'] });
      navigate(`/orders/${encodeURIComponent(order.id)}`);
    },
  });

  const customerMissing = step === 0 && (mode === 'new' ? companyName.trim() === '' : customer === null);
  const next = () => {
    if (customerMissing || stepProblems.length > 0) {
      setTried(step);
      return;
    }
    setTried(null);
    if (step === 0 && mode === 'new') createCustomer.mutate();
    else setStep((s) => s + 1);
  };

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
                <ExistingCustomer
                  value={customer}
                  onChange={setCustomer}
                  error={tried === 0 && customer === null ? t('wizard.problem.customer') : undefined}
                />
              ) : (
                <TextInput
                  label={t('wizard.companyName')}
                  value={companyName}
                  onChange={(event) => setCompanyName(event.currentTarget.value)}
                  error={
                    tried === 0 && companyName.trim() === '' ? t('wizard.problem.companyName') : undefined
                  }
                  required
                  w={400}
                />
              )}
              {wizardCustomer && !wizardCustomer.hasTenant && (
                <>
                  <Radio.Group
                    label={t('wizard.tenantMode')}
                    value={tenantMode}
                    onChange={(value) => setTenantMode(value as TenantMode)}
                  >
                    <Stack gap="xs" mt="xs">
                      <Radio value="new" label={t('wizard.tenantNew')} />
                      <Radio value="existing" label={t('wizard.tenantExisting')} />
                    </Stack>
                  </Radio.Group>
                  {tenantMode === 'new' ? (
                    <TenantFields value={newTenant} onChange={setNewTenant} problems={shown} />
                  ) : (
                    <ExistingTenantField
                      value={existingDomain}
                      onChange={setExistingDomain}
                      problems={shown}
                    />
                  )}
                </>
              )}
              {createCustomer.isError && (
                <Alert color="red" role="alert">
                  {partnerErrorMessage(t, createCustomer.error)}
                </Alert>
              )}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t('wizard.stepLines')}>
            {customer && (
              <LinesStep
                customer={customer}
                lines={lines}
                onChange={setLines}
                presetBase={presetBase}
                problems={shown}
              />
            )}
            <Checkbox
              mt="md"
              label={t('wizard.azurePlan')}
              description={t('wizard.azurePlanHint')}
              checked={azurePlan}
              onChange={(event) => setAzurePlan(event.currentTarget.checked)}
            />
            <AdminFields
              value={admin}
              onChange={setAdmin}
              problems={shown}
              domain={customer?.domains[0] ?? (state ? (tenantSummary(state)?.domain ?? null) : null)}
            />
            {shown.has('noLines') && (
              <Text c="red" size="sm" mt="sm" role="alert">
                {t('wizard.problem.noLines')}
              </Text>
            )}
          </Stepper.Step>
          <Stepper.Step label={t('wizard.stepStart')}>
            <Stack gap="md" mt="md">
              <Radio.Group
                label={t('wizard.startLabel')}
                value={start}
                onChange={(value) => setStart(value as StartChoice)}
              >
                <Stack gap="xs" mt="xs">
                  <Radio value="now" label={t('wizard.startNow')} />
                  <Radio value="next_month" label={t('wizard.startNextMonth')} />
                  <Radio value="date" label={t('wizard.startDate')} />
                </Stack>
              </Radio.Group>
              {start === 'date' && (
                <TextInput
                  type="date"
                  label={t('wizard.date')}
                  value={startDate}
                  onChange={(event) => setStartDate(event.currentTarget.value)}
                  error={shown.has('startDate') ? t('wizard.problem.startDate') : undefined}
                  w={220}
                />
              )}
              <TextInput
                label={t('wizard.reference')}
                value={reference}
                onChange={(event) => setReference(event.currentTarget.value)}
                error={shown.has('reference') ? t('wizard.problem.reference') : undefined}
                w={400}
              />
            </Stack>
          </Stepper.Step>
          <Stepper.Step label={t('wizard.stepReview')}>
            {state && customer && <Review state={state} />}
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
            <Button onClick={next} loading={createCustomer.isPending}>
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
  error,
}: {
  value: Organization | null;
  onChange: (org: Organization | null) => void;
  error?: string | undefined;
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
        error={error}
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

function ExistingTenantField({
  value,
  onChange,
  problems,
}: {
  value: string;
  onChange: (value: string) => void;
  problems: ReadonlySet<Problem>;
}) {
  const { t } = useTranslation();
  const problem = useProblemText(problems);
  return (
    <Paper withBorder p="md" radius="md" component="fieldset">
      <Title order={3} size="h5" mb="sm" component="legend">
        {t('wizard.existingTenantTitle')}
      </Title>
      <Stack gap="xs">
        <TextInput
          label={t('wizard.existingDomain')}
          description={t('wizard.existingDomainHint')}
          placeholder="contoso.onmicrosoft.com"
          value={value}
          onChange={(event) => onChange(event.currentTarget.value)}
          error={problem('existingDomain')}
          required
          w={420}
        />
        <Text size="sm" c="dimmed">
          {t('wizard.existingTenantHint')}
        </Text>
      </Stack>
    </Paper>
  );
}

function TenantFields({
  value,
  onChange,
  problems,
}: {
  value: NewTenantForm;
  onChange: (value: NewTenantForm) => void;
  problems: ReadonlySet<Problem>;
}) {
  const { t } = useTranslation();
  const problem = useProblemText(problems);
  const set = (field: keyof NewTenantForm) => (event: React.ChangeEvent<HTMLInputElement>) =>
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
            error={value.domainPrefix ? undefined : problem('domainPrefix')}
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
          error={problem('email')}
          required
        />
        <TextInput
          label={t('wizard.firstName')}
          value={value.firstName}
          onChange={set('firstName')}
          error={problem('firstName')}
          required
        />
        <TextInput
          label={t('wizard.lastName')}
          value={value.lastName}
          onChange={set('lastName')}
          error={problem('lastName')}
          required
        />
        <TextInput
          label={t('wizard.address')}
          value={value.addressLine1}
          onChange={set('addressLine1')}
          error={problem('addressLine1')}
          required
        />
        <TextInput
          label={t('wizard.city')}
          value={value.city}
          onChange={set('city')}
          error={problem('city')}
          required
        />
        <TextInput
          label={t('wizard.postalCode')}
          value={value.postalCode}
          onChange={set('postalCode')}
          error={problem('postalCode')}
          required
        />
      </SimpleGrid>
    </Paper>
  );
}

function AdminFields({
  value,
  onChange,
  problems,
  domain,
}: {
  value: AdminForm;
  onChange: (value: AdminForm) => void;
  problems: ReadonlySet<Problem>;
  domain: string | null;
}) {
  const { t } = useTranslation();
  const problem = useProblemText(problems);
  const set = (field: keyof AdminForm) => (event: React.ChangeEvent<HTMLInputElement>) =>
    onChange({ ...value, [field]: event.currentTarget.value });
  return (
    <Paper withBorder p="md" radius="md" mt="md" component="fieldset" data-testid="admin-rights">
      <Title order={3} size="h5" mb="xs" component="legend">
        {t('wizard.adminTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('wizard.adminHint')}
      </Text>
      <Radio.Group
        label={t('wizard.adminMode')}
        value={value.mode}
        onChange={(mode) => onChange({ ...value, mode: mode as AdminForm['mode'] })}
      >
        <Group gap="lg" mt="xs">
          <Radio value="none" label={t('wizard.adminNone')} />
          <Radio value="new" label={t('wizard.adminNew')} />
          <Radio value="existing" label={t('wizard.adminExisting')} />
        </Group>
      </Radio.Group>
      {value.mode === 'new' && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
          <TextInput
            label={t('wizard.adminUserName')}
            description={
              domain
                ? t('wizard.adminUserNameHint', { upn: `${value.userName.trim() || '…'}@${domain}` })
                : undefined
            }
            value={value.userName}
            onChange={set('userName')}
            error={problem('adminUserName')}
            required
          />
          <TextInput
            label={t('wizard.adminFirstName')}
            value={value.firstName}
            onChange={set('firstName')}
            error={problem('adminFirstName')}
            required
          />
          <TextInput
            label={t('wizard.adminLastName')}
            value={value.lastName}
            onChange={set('lastName')}
            error={problem('adminLastName')}
            required
          />
          <Text size="sm" c="dimmed" style={{ gridColumn: '1 / -1' }}>
            {t('wizard.adminPasswordHint')}
          </Text>
        </SimpleGrid>
      )}
      {value.mode === 'existing' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
          <TextInput
            label={t('wizard.adminUserId')}
            description={t('wizard.adminUserIdHint')}
            value={value.existingUserId}
            onChange={set('existingUserId')}
            error={problem('adminUserId')}
            required
          />
          <TextInput
            label={t('wizard.adminUpn')}
            value={value.userPrincipalName}
            onChange={set('userPrincipalName')}
          />
        </SimpleGrid>
      )}
    </Paper>
  );
}

function useBaseSubscriptions(customer: Organization) {
  const query = useInfiniteQuery(
    subscriptionListQuery({ customerId: customer.id, status: 'active', kind: 'license' }),
  );
  // The API marks add-ons (`isAddOn`); an add-on is no base for another one.
  return (query.data?.pages.flatMap((page) => page.items) ?? []).filter(
    (sub) => !(sub as Subscription & { isAddOn?: boolean }).isAddOn,
  );
}

function LinesStep({
  customer,
  lines,
  onChange,
  presetBase,
  problems,
}: {
  customer: Organization;
  lines: WizardLine[];
  onChange: (lines: WizardLine[]) => void;
  presetBase: string | null;
  problems: ReadonlySet<Problem>;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const catalog = useQuery(catalogSearchQuery(q));
  const bases = useBaseSubscriptions(customer);
  const presetSub = presetBase ? bases.find((sub) => sub.id === presetBase) : undefined;
  const items = catalog.data?.items ?? [];
  const byId = new Map(items.map((item) => [item.id, item]));
  // Coming from a base subscription: its add-ons first.
  const ordered = presetBase
    ? [...items.filter((item) => item.isAddon), ...items.filter((item) => !item.isAddon)]
    : items;

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
        parentSubscriptionId: item.isAddon
          ? (presetSub?.id ?? (bases.length === 1 ? bases[0]!.id : null))
          : null,
      },
    ]);
    setSearch('');
  };

  return (
    <Stack gap="md" mt="md">
      {presetSub && (
        <Alert color="blue" data-testid="addon-base">
          {t('wizard.addOnFor', { title: presetSub.title })}
        </Alert>
      )}
      <Select
        label={t('wizard.skuSearch')}
        placeholder={t('wizard.skuPlaceholder')}
        data={ordered
          .filter((item) => offerChoices(item, customer.country).length > 0)
          .map((item) => ({
            value: item.id,
            label: item.isAddon ? t('wizard.addOnLabel', { title: item.title }) : item.title,
          }))}
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
            <LinesTableHead />
            <Table.Tbody>
              {lines.map((line) => (
                <LineRow
                  key={line.key}
                  line={line}
                  customer={customer}
                  bases={bases}
                  problems={problems}
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
  bases,
  problems,
  onChange,
  onRemove,
}: {
  line: WizardLine;
  customer: Organization;
  bases: Subscription[];
  problems: ReadonlySet<Problem>;
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
      <Table.Td>
        <Stack gap={4}>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm">{line.title}</Text>
            {line.item.isAddon && (
              <Badge variant="light" size="sm">
                {t('wizard.addOn')}
              </Badge>
            )}
          </Group>
          {line.item.isAddon && (
            <Select
              aria-label={t('wizard.baseFor', { title: line.title })}
              placeholder={t('wizard.basePlaceholder')}
              data={bases.map((sub) => ({
                value: sub.id,
                label: `${sub.title} (${f.number(sub.quantity)})`,
              }))}
              value={line.parentSubscriptionId ?? null}
              onChange={(id) => onChange({ ...line, parentSubscriptionId: id })}
              nothingFoundMessage={t('wizard.noBase')}
              error={
                problems.has('baseSubscription') && !line.parentSubscriptionId
                  ? t('wizard.problem.baseSubscription')
                  : undefined
              }
              size="xs"
              w={280}
            />
          )}
        </Stack>
      </Table.Td>
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
          error={problems.has('quantity') && line.quantity < 1 ? t('wizard.problem.quantity') : undefined}
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

function Review({ state }: { state: WizardState }) {
  const { t } = useTranslation();
  const f = useFormat();
  const tenant = tenantSummary(state);
  const admin = state.admin;
  return (
    <Stack gap="sm" mt="md" data-testid="wizard-review">
      <Text>
        <b>{t('wizard.customer')}:</b> {state.customer.name}
      </Text>
      {tenant && (
        <Text>
          <b>{tenant.kind === 'new' ? t('wizard.newTenant') : t('wizard.existingTenant')}:</b> {tenant.domain}
        </Text>
      )}
      {tenant?.kind === 'existing' && (
        <Alert color="orange" p="xs">
          {t('wizard.reviewRelationship')}
        </Alert>
      )}
      <Text>
        <b>{t('wizard.stepStart')}:</b>{' '}
        {state.start === 'date' && state.startDate
          ? f.date(state.startDate)
          : state.start === 'next_month'
            ? t('wizard.startNextMonth')
            : t('wizard.startNow')}
      </Text>
      {state.reference.trim() && (
        <Text>
          <b>{t('wizard.reference')}:</b> {state.reference}
        </Text>
      )}
      <List spacing={2}>
        {state.lines.map((line) => (
          <List.Item key={line.key}>
            {line.quantity} × {line.title} ({line.term} / {line.billingCycle})
            {line.item.isAddon && ` · ${t('wizard.addOn')}`}
          </List.Item>
        ))}
        {state.azurePlan && <List.Item>{t('wizard.azurePlan')}</List.Item>}
        {admin.mode === 'new' && (
          <List.Item>{t('wizard.reviewAdminNew', { user: admin.userName.trim().toLowerCase() })}</List.Item>
        )}
        {admin.mode === 'existing' && (
          <List.Item>
            {t('wizard.reviewAdminExisting', {
              user: admin.userPrincipalName.trim() || admin.existingUserId.trim(),
            })}
          </List.Item>
        )}
      </List>
    </Stack>
  );
}
