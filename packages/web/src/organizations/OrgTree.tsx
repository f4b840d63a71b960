import { Box, Loader, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  createContext,
  type KeyboardEvent,
  type MouseEvent,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { organizationListQuery } from '../api/queries';
import type { Organization } from '../api/types';
import { IconChevronRight } from '../components/icons';
import { ErrorState, LoadMore } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { KindBadge } from './KindBadge';
import classes from './OrgTree.module.css';

interface TreeState {
  expanded: ReadonlySet<string>;
  selectedId: string | null;
  focusedId: string;
  setFocusedId: (id: string) => void;
}

const TreeContext = createContext<TreeState | null>(null);

const useTree = () => {
  const state = useContext(TreeContext);
  if (!state) throw new Error('tree item outside <OrgTree>');
  return state;
};

/**
 * The caller's organisation and everything below it. Each level is fetched when it is opened
 * (`parentId` filter) and pages on with "load more", so a distributor with thousands of customers
 * does not load them all up front. Keyboard behaviour follows the WAI-ARIA tree view pattern.
 */
export function OrgTree({
  root,
  selectedId,
  onSelect,
  reveal,
}: {
  root: Organization;
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** An organisation to open, e.g. the parent of one just created, so the new child shows. */
  reveal?: string | null | undefined;
}) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set([root.id]));

  useEffect(() => {
    if (reveal) setExpanded((current) => (current.has(reveal) ? current : new Set([...current, reveal])));
  }, [reveal]);
  const [focusedId, setFocusedId] = useState(selectedId ?? root.id);
  const ref = useRef<HTMLDivElement>(null);

  const toggle = useCallback((id: string, open?: boolean) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (open ?? !next.has(id)) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const state = useMemo<TreeState>(
    () => ({ expanded, selectedId, focusedId, setFocusedId }),
    [expanded, selectedId, focusedId],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const item = event.target as HTMLElement;
    // Keys typed into the "load more" buttons inside the tree keep their normal meaning.
    if (item.getAttribute('role') !== 'treeitem' || !ref.current) return;
    const items = Array.from(ref.current.querySelectorAll<HTMLElement>('[role="treeitem"]'));
    const index = items.indexOf(item);
    const id = item.dataset.id ?? '';
    const isOpen = item.getAttribute('aria-expanded') === 'true';
    const canOpen = item.hasAttribute('aria-expanded');
    const focus = (target: HTMLElement | null | undefined) => {
      if (!target) return;
      target.focus();
      setFocusedId(target.dataset.id ?? '');
    };

    switch (event.key) {
      case 'ArrowDown':
        focus(items[index + 1]);
        break;
      case 'ArrowUp':
        focus(items[index - 1]);
        break;
      case 'Home':
        focus(items[0]);
        break;
      case 'End':
        focus(items[items.length - 1]);
        break;
      case 'ArrowRight':
        if (canOpen && !isOpen) toggle(id, true);
        else if (isOpen) focus(item.querySelector<HTMLElement>('[role="treeitem"]'));
        break;
      case 'ArrowLeft':
        if (isOpen) toggle(id, false);
        else focus(item.parentElement?.closest<HTMLElement>('[role="treeitem"]'));
        break;
      case 'Enter':
      case ' ':
        onSelect(id);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  // Clicks are handled here, once, rather than on every row: a row selects, its chevron toggles.
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const chevron = target.closest<HTMLElement>('[data-toggle]');
    if (chevron?.dataset.toggle) return toggle(chevron.dataset.toggle);
    const row = target.closest<HTMLElement>('[data-row]');
    if (row?.dataset.row) onSelect(row.dataset.row);
  };

  const onDoubleClick = (event: MouseEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-row]');
    const item = row?.closest('[role="treeitem"]');
    if (row?.dataset.row && item?.hasAttribute('aria-expanded')) toggle(row.dataset.row);
  };

  return (
    <TreeContext.Provider value={state}>
      <div
        ref={ref}
        role="tree"
        aria-label={t('organizations.treeLabel')}
        className={classes.tree}
        onKeyDown={onKeyDown}
        onClick={onClick}
        onDoubleClick={onDoubleClick}
        data-testid="org-tree"
      >
        <TreeItem org={root} level={1} />
      </div>
    </TreeContext.Provider>
  );
}

function TreeItem({ org, level }: { org: Organization; level: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { expanded, selectedId, focusedId, setFocusedId } = useTree();
  const hasChildren = org.childCount > 0;
  const isOpen = hasChildren && expanded.has(org.id);
  const selected = selectedId === org.id;

  return (
    <div
      role="treeitem"
      aria-level={level}
      aria-expanded={hasChildren ? isOpen : undefined}
      aria-selected={selected}
      aria-label={org.name}
      tabIndex={focusedId === org.id ? 0 : -1}
      data-id={org.id}
      className={classes.item}
      onFocus={(event) => {
        if (event.target === event.currentTarget) setFocusedId(org.id);
      }}
    >
      <div
        className={classes.row}
        data-row={org.id}
        data-selected={selected || undefined}
        style={{ paddingInlineStart: `calc(${level - 1} * 1.25rem + 0.25rem)` }}
      >
        <span
          className={classes.toggle}
          data-toggle={hasChildren ? org.id : undefined}
          data-open={isOpen || undefined}
          data-hidden={!hasChildren || undefined}
          aria-hidden="true"
        >
          <IconChevronRight size={14} />
        </span>
        <Text span size="sm" fw={selected ? 600 : 400} className={classes.name}>
          {org.name}
        </Text>
        <KindBadge kind={org.kind} />
        {hasChildren && (
          <Text span size="xs" c="dimmed" aria-hidden="true" title={t('orgFields.childCount')}>
            {f.number(org.childCount)}
          </Text>
        )}
      </div>
      {isOpen && <Children parentId={org.id} level={level + 1} />}
    </div>
  );
}

function Children({ parentId, level }: { parentId: string; level: number }) {
  const { t } = useTranslation();
  const query = useInfiniteQuery(organizationListQuery({ parentId }));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const indent = { paddingInlineStart: `calc(${level - 1} * 1.25rem + 1.75rem)` };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a subtree is an ARIA group, not a form fieldset
    <div role="group" className={classes.group}>
      {items.map((child) => (
        <TreeItem key={child.id} org={child} level={level} />
      ))}
      {query.isPending && (
        <div style={indent} className={classes.note}>
          <Loader size="xs" aria-label={t('common.loading')} />
        </div>
      )}
      {query.isError && (
        <div style={indent} className={classes.note}>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </div>
      )}
      {query.isSuccess && items.length === 0 && (
        <div style={indent} className={classes.note}>
          <Text size="sm" c="dimmed">
            {t('organizations.noChildren')}
          </Text>
        </div>
      )}
      {query.hasNextPage && (
        <div style={indent}>
          <Box>
            <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
          </Box>
        </div>
      )}
    </div>
  );
}
