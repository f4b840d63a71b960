import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../api/types';
import { useFormat } from '../hooks/useFormat';
import { createOrganization, type OrganizationRecord, updateOrganization } from './api';
import { organizationsErrorMessage } from './errors';
import {
  checkOrgForm,
  fieldsOfError,
  newOrgForm,
  ORG_FIELDS,
  type OrgField,
  type OrgFormValues,
  orgFormOf,
  toCreateBody,
  toUpdateBody,
} from './form';
import { countryCodes, currencyCodes, optionsOf, timeZones } from './options';

export type OrgFormMode =
  | { type: 'create'; parent: OrganizationRecord; kind: 'reseller' | 'customer' }
  | { type: 'edit'; org: OrganizationRecord };

/** Create a reseller or customer below `parent`, or edit an organisation's master data. */
export function OrgFormModal({
  mode,
  onClose,
  onSaved,
}: {
  mode: OrgFormMode | null;
  onClose: () => void;
  onSaved: (org: OrganizationRecord) => void;
}) {
  const { t } = useTranslation();
  const title = !mode
    ? ''
    : mode.type === 'edit'
      ? t('organizations.form.editTitle', { name: mode.org.name })
      : t(`organizations.form.newTitle.${mode.kind}`, { parent: mode.parent.name });
  return (
    <Modal opened={mode !== null} onClose={onClose} title={title} size="lg">
      {mode && (
        <OrgForm
          key={mode.type === 'edit' ? mode.org.id : `${mode.parent.id}-${mode.kind}`}
          mode={mode}
          onCancel={onClose}
          onSaved={onSaved}
        />
      )}
    </Modal>
  );
}

function OrgForm({
  mode,
  onCancel,
  onSaved,
}: {
  mode: OrgFormMode;
  onCancel: () => void;
  onSaved: (org: OrganizationRecord) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const kind = mode.type === 'edit' ? mode.org.kind : mode.kind;
  const [values, setValues] = useState<OrgFormValues>(() =>
    mode.type === 'edit' ? orgFormOf(mode.org) : newOrgForm(mode.parent),
  );
  const [shown, setShown] = useState<OrgField[]>([]);

  const save = useMutation({
    mutationFn: () =>
      mode.type === 'edit'
        ? updateOrganization(mode.org.id, mode.org.version, toUpdateBody(mode.org, values))
        : createOrganization(toCreateBody(mode.parent.id, mode.kind, values)),
    onSuccess: async (org) => {
      client.setQueryData(['organizations', 'record', org.id], org);
      await client.invalidateQueries({ queryKey: ['organizations'] });
      // The caller's own organisation is also the session's: refresh names and settings there.
      await client.invalidateQueries({ queryKey: ['me'] });
      onSaved(org);
    },
    onError: (error) => setShown(fieldsOfError(error, ORG_FIELDS)),
  });

  const set = <K extends keyof OrgFormValues>(key: K, value: OrgFormValues[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    setShown((current) => current.filter((field) => field !== key));
  };

  const countries = useMemo(() => optionsOf(countryCodes(), f.country, values.country), [f, values.country]);
  const currencies = useMemo(
    () => optionsOf(currencyCodes(), f.currency, values.currency),
    [f, values.currency],
  );
  const zones = useMemo(() => timeZones().map((zone) => ({ value: zone, label: zone })), []);

  const error = (field: OrgField) =>
    shown.includes(field) ? t(`organizations.form.invalid.${field}`) : undefined;
  const submit = () => {
    const problems = checkOrgForm(values, kind);
    setShown(problems);
    if (problems.length === 0) save.mutate();
  };
  const unchanged = mode.type === 'edit' && Object.keys(toUpdateBody(mode.org, values)).length === 0;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      data-testid="org-form"
    >
      <Stack gap="md">
        <TextInput
          label={t('organizations.form.name')}
          value={values.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={error('name')}
          maxLength={200}
          required
          data-autofocus
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('orgFields.country')}
            data={countries}
            value={values.country}
            onChange={(value) => value && set('country', value)}
            error={error('country')}
            searchable
            allowDeselect={false}
            required
          />
          <Select
            label={t('orgFields.currency')}
            data={currencies}
            value={values.currency}
            onChange={(value) => value && set('currency', value)}
            error={error('currency')}
            searchable
            allowDeselect={false}
            required
          />
          <Select
            label={t('orgFields.timeZone')}
            data={zones}
            value={values.timeZone}
            onChange={(value) => value && set('timeZone', value)}
            error={error('timeZone')}
            searchable
            limit={50}
            allowDeselect={false}
            required
          />
          <Select
            label={t('orgFields.locale')}
            data={LOCALES.map((code) => ({ value: code, label: f.language(code) }))}
            value={values.locale}
            onChange={(value) => value && set('locale', value as Locale)}
            error={error('locale')}
            allowDeselect={false}
            required
          />
        </SimpleGrid>
        {kind === 'customer' && (
          <>
            <TextInput
              label={t('orgFields.tenantId')}
              description={t('organizations.form.tenantHint')}
              placeholder="00000000-0000-0000-0000-000000000000"
              value={values.tenantId}
              onChange={(event) => set('tenantId', event.currentTarget.value)}
              error={error('tenantId')}
              maxLength={36}
            />
            <TagsInput
              label={t('orgFields.domains')}
              description={t('organizations.form.domainsHint')}
              placeholder={t('organizations.form.domainsPlaceholder')}
              value={values.domains}
              onChange={(value) => set('domains', value)}
              error={error('domains')}
              splitChars={[',', ' ', ';']}
              acceptValueOnBlur
              clearable
            />
          </>
        )}
        {save.isError && (
          <Alert color="red" variant="light" role="alert" title={t('organizations.form.notSaved')}>
            {organizationsErrorMessage(t, save.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('organizations.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} disabled={unchanged}>
            {mode.type === 'edit' ? t('common.save') : t(`organizations.form.create.${mode.kind}`)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
