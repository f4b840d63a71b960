import { Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The header of the line tables of the order wizard and the quote form (product, term, quantity, price). */
export function LinesTableHead() {
  const { t } = useTranslation();
  return (
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
  );
}
