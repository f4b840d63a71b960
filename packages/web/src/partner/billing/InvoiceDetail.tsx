import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, InlineLoader } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  calendarDay,
  createCreditNote,
  dayBefore,
  type Explanation,
  type Invoice,
  type InvoiceLineFields,
  invoiceCsvUrl,
  invoicePdfUrl,
  invoiceQuery,
  issueInvoice,
  LINE_KINDS,
  PAYMENT_METHODS,
  type PaymentMethod,
  recordPayment,
  type TaxRate,
  todayIn,
  voidInvoice,
} from './api';
import { InvoiceStatusBadge } from './BillingPage';
import { billingErrorMessage } from './errors';

type Dialog = 'void' | 'payment' | 'credit' | null;

export default function InvoiceDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const query = useQuery(invoiceQuery(id));
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = async (invoice?: Invoice) => {
    if (invoice) client.setQueryData(invoiceQuery(id).queryKey, invoice);
    await Promise.all([
      client.invalidateQueries({ queryKey: ['invoices'] }),
      client.invalidateQueries({ queryKey: ['credit-notes'] }),
    ]);
  };
  /** A dialog finished: close it, say what happened, show the new state. */
  const done = async (message: string, next?: Invoice) => {
    setDialog(null);
    setNotice(message);
    await refresh(next);
  };
  const issue = useMutation({
    mutationFn: () => issueInvoice(id),
    onSuccess: async (invoice) => {
      setNotice(t('billing.issued', { number: invoice.number ?? '' }));
      await refresh(invoice);
    },
  });

  if (query.isPending) return <InlineLoader />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={t('billing.invoice')} />
        <Anchor component={Link} to="/billing" mb="md" display="block">
          {t('billing.back')}
        </Anchor>
        <ErrorState error={query.error} />
      </>
    );
  }
  const invoice = query.data;
  const money = (amount: string) => f.money(amount, invoice.currency);
  const isIssuer = invoice.direction === 'issued' && me.permissions.includes('billing:write');
  const canIssue = isIssuer && invoice.status === 'draft';
  const canPay = isIssuer && invoice.status === 'issued';
  const canVoid = isIssuer && invoice.status === 'issued' && invoice.payments.length === 0;
  const canCredit = isIssuer && (invoice.status === 'issued' || invoice.status === 'paid');
  const locale = ['ja', 'en', 'de'].includes(i18n.resolvedLanguage ?? '') ? i18n.resolvedLanguage! : 'en';
  const registration = invoice.issuerDetails.registrationNumber;

  return (
    <>
      <PageHeader
        title={
          invoice.number
            ? t('billing.invoiceTitle', { number: invoice.number })
            : t('billing.draftInvoiceTitle')
        }
        description={`${invoice.issuer.name} → ${invoice.recipient.name} · ${invoice.period}`}
        actions={
          <Group>
            {canIssue && (
              <Button onClick={() => issue.mutate()} loading={issue.isPending}>
                {t('billing.issue')}
              </Button>
            )}
            {canPay && <Button onClick={() => setDialog('payment')}>{t('billing.recordPayment')}</Button>}
            {canCredit && (
              <Button variant="light" onClick={() => setDialog('credit')}>
                {t('billing.createCreditNote')}
              </Button>
            )}
            {canVoid && (
              <Button variant="light" color="red" onClick={() => setDialog('void')}>
                {t('billing.void')}
              </Button>
            )}
            <Button
              component="a"
              variant="default"
              href={invoicePdfUrl(invoice.id, locale)}
              target="_blank"
              rel="noreferrer"
              data-testid="invoice-pdf"
            >
              {t('billing.downloadPdf')}
            </Button>
            <Button
              component="a"
              variant="default"
              href={invoiceCsvUrl(invoice.id)}
              download
              data-testid="invoice-csv"
            >
              {t('billing.downloadCsv')}
            </Button>
          </Group>
        }
      />
      <Stack gap="lg">
        <Group>
          <Anchor component={Link} to="/billing">
            {t('billing.back')}
          </Anchor>
          <InvoiceStatusBadge invoice={invoice} />
        </Group>
        {notice && (
          <Alert color="green" role="status" withCloseButton onClose={() => setNotice(null)}>
            {notice}
          </Alert>
        )}
        {issue.isError && (
          <Alert color="red" role="alert">
            {billingErrorMessage(t, issue.error)}
          </Alert>
        )}
        {invoice.status === 'void' && invoice.voidReason && (
          <Alert color="gray" title={t('billing.voidedTitle')}>
            {invoice.voidReason}
          </Alert>
        )}
        <Paper withBorder p="md" radius="md">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} data-testid="invoice-facts">
            <Fact label={t('billing.issuer')} value={invoice.issuer.name} />
            <Fact label={t('billing.recipient')} value={invoice.recipient.name} />
            <Fact label={t('billing.period')} value={invoice.period} />
            <Fact
              label={t('billing.registrationNumber')}
              value={typeof registration === 'string' && registration ? registration : '–'}
            />
            <Fact
              label={t('billing.issueDate')}
              value={invoice.issueDate ? calendarDay(invoice.issueDate, f.locale) : '–'}
            />
            <Fact
              label={t('billing.dueDate')}
              value={invoice.dueDate ? calendarDay(invoice.dueDate, f.locale) : '–'}
            />
            <Fact label={t('billing.net')} value={money(invoice.net)} />
            <Fact label={t('billing.tax')} value={money(invoice.tax)} />
            <Fact
              label={t('billing.gross')}
              value={<strong data-testid="invoice-gross">{money(invoice.gross)}</strong>}
            />
            <Fact label={t('billing.paid')} value={money(invoice.paid)} />
            <Fact
              label={t('billing.balance')}
              value={<span data-testid="invoice-balance">{money(invoice.balance)}</span>}
            />
          </SimpleGrid>
        </Paper>
        {invoice.notes.map((note) => (
          <Alert key={note.code} color="blue" variant="light">
            {note.text}
          </Alert>
        ))}
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="invoice-lines-title">
          <Title order={2} size="h4" id="invoice-lines-title" mb="sm">
            {t('billing.lines')}
          </Title>
          <LinesTable
            currency={invoice.currency}
            lines={invoice.lines.map((line) => ({ ...line, key: line.id }))}
            testId="invoice-lines"
          />
        </Paper>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Paper withBorder p="md" radius="md" component="section" aria-labelledby="invoice-tax-title">
            <Title order={2} size="h4" id="invoice-tax-title" mb="sm">
              {t('billing.taxByRate')}
            </Title>
            <TaxTable currency={invoice.currency} rates={invoice.taxByRate} gross={invoice.gross} />
          </Paper>
          <Paper withBorder p="md" radius="md" component="section" aria-labelledby="invoice-payments-title">
            <Title order={2} size="h4" id="invoice-payments-title" mb="sm">
              {t('billing.payments')}
            </Title>
            {invoice.payments.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('billing.noPayments')}
              </Text>
            ) : (
              <Table data-testid="invoice-payments">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('billing.paidOn')}</Table.Th>
                    <Table.Th>{t('billing.method')}</Table.Th>
                    <Table.Th>{t('billing.reference')}</Table.Th>
                    <Table.Th ta="right">{t('billing.amount')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {invoice.payments.map((payment) => (
                    <Table.Tr key={payment.id}>
                      <Table.Td>{calendarDay(payment.paidOn, f.locale)}</Table.Td>
                      <Table.Td>
                        {(PAYMENT_METHODS as readonly string[]).includes(payment.method)
                          ? t(`billing.methods.${payment.method as PaymentMethod}`)
                          : payment.method}
                      </Table.Td>
                      <Table.Td>{payment.reference || '–'}</Table.Td>
                      <Table.Td ta="right">{f.money(payment.amount, payment.currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Title order={3} size="h5" mt="md" mb="xs">
              {t('billing.tabs.creditNotes')}
            </Title>
            {invoice.creditNotes.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('billing.noCreditNotes')}
              </Text>
            ) : (
              <Table data-testid="invoice-credit-notes">
                <Table.Tbody>
                  {invoice.creditNotes.map((note) => (
                    <Table.Tr key={note.id}>
                      <Table.Td>{note.number}</Table.Td>
                      <Table.Td>{calendarDay(note.issueDate, f.locale)}</Table.Td>
                      <Table.Td ta="right">{money(note.gross)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </SimpleGrid>
      </Stack>
      {dialog === 'void' && (
        <VoidDialog
          invoice={invoice}
          opened
          onClose={() => setDialog(null)}
          onDone={(next) => done(t('billing.voided'), next)}
        />
      )}
      {dialog === 'payment' && (
        <PaymentDialog
          invoice={invoice}
          opened
          onClose={() => setDialog(null)}
          onDone={(next) => done(t('billing.paymentRecorded'), next)}
        />
      )}
      {dialog === 'credit' && (
        <CreditNoteDialog
          invoice={invoice}
          opened
          onClose={() => setDialog(null)}
          onDone={(number) => done(t('billing.creditNoteCreated', { number }))}
        />
      )}
    </>
  );
}

export function Fact({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {value}
      </Text>
    </Stack>
  );
}

/** Invoice or preview lines, each with its "why this amount" explanation a click away. */
export function LinesTable({
  currency,
  lines,
  testId,
}: {
  currency: string;
  lines: (InvoiceLineFields & { key: string; explanation: Explanation })[];
  testId: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [open, setOpen] = useState<string | null>(null);
  if (lines.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('billing.noLines')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('billing.line')}</Table.Th>
            <Table.Th>{t('billing.kind')}</Table.Th>
            <Table.Th>{t('billing.servicePeriod')}</Table.Th>
            <Table.Th ta="right">{t('billing.quantity')}</Table.Th>
            <Table.Th ta="right">{t('billing.unitPrice')}</Table.Th>
            <Table.Th ta="right">{t('billing.taxRate')}</Table.Th>
            <Table.Th ta="right">{t('billing.amount')}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('billing.why')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line) => {
            const expanded = open === line.key;
            const panelId = `why-${line.key}`;
            return (
              <Fragment key={line.key}>
                <Table.Tr>
                  <Table.Td>{line.description}</Table.Td>
                  <Table.Td>
                    {(LINE_KINDS as readonly string[]).includes(line.kind)
                      ? t(`billing.kinds.${line.kind as (typeof LINE_KINDS)[number]}`)
                      : line.kind}
                  </Table.Td>
                  <Table.Td>
                    {line.periodStart && line.periodEnd
                      ? `${calendarDay(line.periodStart, f.locale)} – ${calendarDay(dayBefore(line.periodEnd), f.locale)}`
                      : '–'}
                  </Table.Td>
                  <Table.Td ta="right">{f.number(line.quantity)}</Table.Td>
                  <Table.Td ta="right">{line.unitPrice ? f.money(line.unitPrice, currency) : '–'}</Table.Td>
                  <Table.Td ta="right">
                    <RateLabel rate={line.taxRate} />
                  </Table.Td>
                  <Table.Td ta="right">{f.money(line.amount, currency)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-expanded={expanded}
                      aria-controls={panelId}
                      onClick={() => setOpen(expanded ? null : line.key)}
                    >
                      {t('billing.why')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr>
                    <Table.Td
                      colSpan={8}
                      id={panelId}
                      data-testid="line-explanation"
                      bg="var(--mantine-color-default-hover)"
                    >
                      <ExplanationView
                        explanation={line.explanation}
                        currency={currency}
                        unrounded={line.unrounded}
                      />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ExplanationView({
  explanation,
  currency,
  unrounded,
}: {
  explanation: Explanation;
  currency: string;
  unrounded: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {t('billing.whyTitle')}
      </Text>
      {explanation.summary && <Text size="sm">{explanation.summary}</Text>}
      {(explanation.steps ?? []).length > 0 && (
        <Table withRowBorders={false} verticalSpacing={2} fz="xs">
          <Table.Tbody>
            {(explanation.steps ?? []).map((step) => (
              <Table.Tr key={`${step.label}-${step.formula}-${step.result}`}>
                <Table.Td>{step.label}</Table.Td>
                <Table.Td ff="monospace">{step.formula}</Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {step.result}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed">
        {t('billing.unrounded', { amount: unrounded, currency })}
        {explanation.previouslyInvoiced !== undefined &&
          ` · ${t('billing.previouslyInvoiced', { amount: f.money(explanation.previouslyInvoiced, currency) })}`}
      </Text>
    </Stack>
  );
}

function RateLabel({ rate }: { rate: string }) {
  const { t } = useTranslation();
  return <>{rate === 'standard' || rate === 'reduced' ? t(`billing.rates.${rate}`) : rate}</>;
}

const TREATMENTS = ['taxable', 'exempt', 'reverse_charge'] as const;

export function TaxTable({ currency, rates, gross }: { currency: string; rates: TaxRate[]; gross: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Table data-testid="tax-by-rate">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('billing.taxRate')}</Table.Th>
          <Table.Th ta="right">{t('billing.net')}</Table.Th>
          <Table.Th ta="right">{t('billing.tax')}</Table.Th>
          <Table.Th ta="right">{t('billing.gross')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rates.map((rate) => (
          <Table.Tr key={`${rate.treatment}-${rate.rate}-${rate.percent}`}>
            <Table.Td>
              {rate.treatment !== 'taxable' && (TREATMENTS as readonly string[]).includes(rate.treatment)
                ? t(`billing.treatments.${rate.treatment as (typeof TREATMENTS)[number]}`)
                : t('billing.taxAt', { percent: f.number(rate.percent) })}
              {rate.rate === 'reduced' && ` (${t('billing.rates.reduced')})`}
            </Table.Td>
            <Table.Td ta="right">{f.money(rate.net, currency)}</Table.Td>
            <Table.Td ta="right">{f.money(rate.tax, currency)}</Table.Td>
            <Table.Td ta="right">{f.money(rate.gross, currency)}</Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Th>{t('billing.total')}</Table.Th>
          <Table.Td />
          <Table.Td />
          <Table.Th ta="right">{f.money(gross, currency)}</Table.Th>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

interface DialogProps<T> {
  invoice: Invoice;
  opened: boolean;
  onClose: () => void;
  onDone: (result: T) => Promise<void>;
}

function VoidDialog({ invoice, opened, onClose, onDone }: DialogProps<Invoice>) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () => voidInvoice(invoice.id, reason.trim()),
    onSuccess: onDone,
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('billing.voidTitle')}>
      <Stack>
        <Text size="sm">{t('billing.voidHint')}</Text>
        <Textarea
          label={t('billing.reason')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          required
          maxLength={500}
        />
        {mutation.isError && (
          <Alert color="red" role="alert">
            {billingErrorMessage(t, mutation.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            color="red"
            disabled={!reason.trim()}
            loading={mutation.isPending}
            onClick={() => mutation.mutate()}
          >
            {t('billing.void')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const AMOUNT = /^\d+(\.\d+)?$/;

function PaymentDialog({ invoice, opened, onClose, onDone }: DialogProps<Invoice>) {
  const { t } = useTranslation();
  const f = useFormat();
  const [amount, setAmount] = useState(invoice.balance);
  const [paidOn, setPaidOn] = useState(() => todayIn(f.organizationTimeZone));
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [reference, setReference] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      recordPayment(invoice.id, {
        amount: amount.trim(),
        currency: invoice.currency,
        paidOn,
        method,
        ...(reference.trim() ? { reference: reference.trim() } : {}),
      }),
    onSuccess: onDone,
  });
  const amountValid = AMOUNT.test(amount.trim());
  return (
    <Modal opened={opened} onClose={onClose} title={t('billing.recordPayment')}>
      <Stack>
        <Text size="sm">
          {t('billing.openBalance', { amount: f.money(invoice.balance, invoice.currency) })}
        </Text>
        <TextInput
          label={t('billing.amountIn', { currency: invoice.currency })}
          value={amount}
          onChange={(event) => setAmount(event.currentTarget.value)}
          inputMode="decimal"
          required
          error={amount && !amountValid ? t('billing.amountInvalid') : undefined}
        />
        <TextInput
          type="date"
          label={t('billing.paidOn')}
          value={paidOn}
          onChange={(event) => setPaidOn(event.currentTarget.value)}
          required
        />
        <Select
          label={t('billing.method')}
          data={PAYMENT_METHODS.map((value) => ({ value, label: t(`billing.methods.${value}`) }))}
          value={method}
          onChange={(value) => value && setMethod(value as PaymentMethod)}
          allowDeselect={false}
        />
        <TextInput
          label={t('billing.reference')}
          value={reference}
          onChange={(event) => setReference(event.currentTarget.value)}
          maxLength={200}
        />
        {mutation.isError && (
          <Alert color="red" role="alert">
            {billingErrorMessage(t, mutation.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            disabled={!amountValid || !paidOn}
            loading={mutation.isPending}
            onClick={() => mutation.mutate()}
          >
            {t('billing.savePayment')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function CreditNoteDialog({ invoice, opened, onClose, onDone }: DialogProps<string>) {
  const { t } = useTranslation();
  const f = useFormat();
  const [mode, setMode] = useState<'full' | 'partial'>('full');
  const [reason, setReason] = useState('');
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const partialLines = Object.entries(amounts)
    .map(([invoiceLineId, amount]) => ({ invoiceLineId, amount: amount.trim() }))
    .filter((line) => line.amount !== '' && Number(line.amount) !== 0);
  const partialValid = partialLines.length > 0 && partialLines.every((line) => AMOUNT.test(line.amount));
  const mutation = useMutation({
    mutationFn: () =>
      createCreditNote({
        invoiceId: invoice.id,
        reason: reason.trim(),
        ...(mode === 'partial' ? { lines: partialLines } : {}),
      }),
    onSuccess: (note) => onDone(note.number),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('billing.createCreditNote')} size="lg">
      <Stack>
        <SegmentedControl
          value={mode}
          onChange={(value) => setMode(value as 'full' | 'partial')}
          data={[
            { value: 'full', label: t('billing.creditFull') },
            { value: 'partial', label: t('billing.creditPartial') },
          ]}
          aria-label={t('billing.creditScope')}
        />
        <Text size="sm" c="dimmed">
          {mode === 'full' ? t('billing.creditFullHint') : t('billing.creditPartialHint')}
        </Text>
        {mode === 'partial' && (
          <Table data-testid="credit-lines">
            <Table.Tbody>
              {invoice.lines
                .filter((line) => !line.amount.startsWith('-'))
                .map((line) => (
                  <Table.Tr key={line.id}>
                    <Table.Td>
                      <Text size="sm">{line.description}</Text>
                      <Text size="xs" c="dimmed">
                        {f.money(line.amount, invoice.currency)}
                      </Text>
                    </Table.Td>
                    <Table.Td w={160}>
                      <TextInput
                        size="xs"
                        inputMode="decimal"
                        aria-label={t('billing.creditAmountFor', { line: line.description })}
                        value={amounts[line.id] ?? ''}
                        onChange={(event) => {
                          const value = event.currentTarget.value;
                          setAmounts((current) => ({ ...current, [line.id]: value }));
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        )}
        <Textarea
          label={t('billing.reason')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          required
          maxLength={500}
        />
        {mutation.isError && (
          <Alert color="red" role="alert">
            {billingErrorMessage(t, mutation.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            disabled={!reason.trim() || (mode === 'partial' && !partialValid)}
            loading={mutation.isPending}
            onClick={() => mutation.mutate()}
          >
            {t('billing.issueCreditNote')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
