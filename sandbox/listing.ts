// Makini list semantics [spec]: filter[field]=v, filter[field:op]=v, filterMatch=all|any,
// sort[field]=1 (desc) | 0 (asc), page / per_page, and the Laravel-style links/meta envelope; or,
// per connection, cursor pages as Makini's FAQ describes them (meta.next_cursor, ?cursor=).
import { Buffer } from 'node:buffer';
import { MakiniQuery } from '../src/makini/workflow/contract.js';
import { DEFAULT_BEHAVIOUR, type ConnectionBehaviour } from './behaviour.js';
import { validationFailed, type FieldProblem } from './errors.js';

/** The connection switches a list obeys (see behaviour.ts). */
export type ListOptions = Pick<ConnectionBehaviour, 'listFilter' | 'defaultPerPage' | 'maxPerPage' | 'pagination' | 'pageLinks'>;

/** Where `pageLinks: 'other-origin'` points: a host that is not the one the client called. */
export const OTHER_ORIGIN = 'http://elsewhere.invalid';

/** An opaque cursor: the offset of the page's first record (clients must not read it). */
const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

function decodeCursor(raw: string | null, problems: FieldProblem[]): number {
  if (raw === null) return 0;
  const m = /^offset:(\d{1,9})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) problems.push({ field: MakiniQuery.cursor, message: 'is not a cursor this list gave' });
  return m ? Number(m[1]) : 0;
}

/** `gteq`/`lted` are the spellings in Makini's spec text; `gte`/`lte` are this project's. */
const OPERATORS = ['eq', 'contains', 'startsWith', 'gt', 'gte', 'gteq', 'lt', 'lte', 'lted', 'lteq'] as const;
type Operator = (typeof OPERATORS)[number];

interface Filter {
  field: string;
  op: Operator;
  value: string;
}

const FILTER = /^filter\[([^\]:]+)(?::([A-Za-z]+))?\]$/;
const SORT = /^sort\[([^\]]+)\]$/;

function compare(a: unknown, b: string): number | undefined {
  if (a === undefined || a === null) return undefined;
  const na = typeof a === 'number' ? a : Number(a);
  const nb = Number(b);
  if (String(a).trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const da = Date.parse(String(a));
  const db = Date.parse(b);
  if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  return String(a).localeCompare(b);
}

function matches(item: Record<string, unknown>, f: Filter, mode: ListOptions['listFilter']): boolean {
  const v = item[f.field];
  if (v === undefined || v === null) return false;
  const s = String(v);
  switch (f.op) {
    // `loose`: some systems' "equals" is a search; whoever filters must still compare what comes back.
    case 'eq':
      return mode === 'loose' ? s.toLowerCase().includes(f.value.toLowerCase()) : s === f.value;
    case 'contains':
      return s.toLowerCase().includes(f.value.toLowerCase());
    case 'startsWith':
      return s.toLowerCase().startsWith(f.value.toLowerCase());
    default: {
      const c = compare(v, f.value);
      if (c === undefined) return false;
      if (f.op === 'gt') return c > 0;
      if (f.op === 'lt') return c < 0;
      if (f.op === 'gte' || f.op === 'gteq') return c >= 0;
      return c <= 0;
    }
  }
}

function positiveInt(query: URLSearchParams, name: string, fallback: number, problems: FieldProblem[]): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    problems.push({ field: name, message: 'must be a whole number of at least 1' });
    return fallback;
  }
  return Number(raw);
}

/** Filters, sorts and pages `items` as Makini does; bad parameters are a 400 naming each. */
export function listPage<T extends object>(
  items: readonly T[],
  query: URLSearchParams,
  endpointUrl: string,
  options: ListOptions = DEFAULT_BEHAVIOUR,
) {
  const problems: FieldProblem[] = [];
  const filters: Filter[] = [];
  const sorts: { field: string; desc: boolean }[] = [];
  for (const [name, value] of query) {
    const f = FILTER.exec(name);
    if (f) {
      const op = (f[2] ?? 'eq') as Operator;
      if (!OPERATORS.includes(op))
        problems.push({
          field: name,
          message: `unknown filter operator "${f[2]}" (use ${OPERATORS.filter((o) => o !== 'eq').join(', ')})`,
        });
      else filters.push({ field: f[1]!, op, value });
      continue;
    }
    const s = SORT.exec(name);
    if (s) {
      if (value !== '0' && value !== '1') problems.push({ field: name, message: 'must be 1 (descending) or 0 (ascending)' });
      else sorts.push({ field: s[1]!, desc: value === '1' });
    }
  }
  const filterMatch = query.get('filterMatch') ?? 'all';
  if (filterMatch !== 'all' && filterMatch !== 'any') problems.push({ field: 'filterMatch', message: 'must be all or any' });
  const cursorMode = options.pagination === 'cursor';
  // A cursor list ignores `page` (as a cursor API does) and a page list ignores `cursor`.
  const page = cursorMode ? 1 : positiveInt(query, MakiniQuery.page, 1, problems);
  const offset = cursorMode ? decodeCursor(query.get(MakiniQuery.cursor), problems) : 0;
  const perPage = Math.min(positiveInt(query, MakiniQuery.perPage, options.defaultPerPage, problems), options.maxPerPage);
  if (problems.length) throw validationFailed(problems, 'Invalid list parameters');

  const rec = (i: T) => i as Record<string, unknown>;
  const hit = (i: T) => (f: Filter) => matches(rec(i), f, options.listFilter);
  let rows =
    filters.length === 0 ? [...items] : items.filter((i) => (filterMatch === 'any' ? filters.some(hit(i)) : filters.every(hit(i))));
  if (sorts.length) {
    rows = rows.sort((a, b) => {
      for (const s of sorts) {
        const av = rec(a)[s.field];
        const bv = rec(b)[s.field];
        // Records without the field sort last either way.
        if (av == null || bv == null) {
          if (av == null && bv == null) continue;
          return av == null ? 1 : -1;
        }
        const c = compare(av, String(bv)) ?? 0;
        if (c !== 0) return s.desc ? -c : c;
      }
      return 0;
    });
  }
  /** A link to the same list with `name=value` instead of the page or cursor asked for, as `pageLinks` says. */
  const link = (name: string, value: string) => {
    const u = new URL(endpointUrl);
    for (const [k, v] of query) if (k !== MakiniQuery.page && k !== MakiniQuery.cursor) u.searchParams.append(k, v);
    u.searchParams.set(name, value);
    if (options.pageLinks === 'relative') return `${u.pathname}${u.search}`;
    if (options.pageLinks === 'other-origin') return `${OTHER_ORIGIN}${u.pathname}${u.search}`;
    return u.toString();
  };
  const withLinks = <L extends object>(links: () => L) => (options.pageLinks === 'none' ? {} : { links: links() });

  if (cursorMode) {
    // Laravel's cursor paginator: no page numbers, no total; the next page is named by a cursor.
    const data = rows.slice(offset, offset + perPage);
    const next = offset + perPage < rows.length ? encodeCursor(offset + perPage) : null;
    const prev = offset > 0 ? encodeCursor(Math.max(0, offset - perPage)) : null;
    return {
      data,
      ...withLinks(() => ({
        first: null,
        last: null,
        prev: prev && link(MakiniQuery.cursor, prev),
        next: next && link(MakiniQuery.cursor, next),
      })),
      meta: { path: endpointUrl, per_page: perPage, next_cursor: next, prev_cursor: prev },
    };
  }
  const total = rows.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const data = rows.slice(start, start + perPage);
  const pageLink = (p: number) => link(MakiniQuery.page, String(p));
  return {
    data,
    ...withLinks(() => ({
      first: pageLink(1),
      last: pageLink(lastPage),
      prev: page > 1 ? pageLink(Math.min(page - 1, lastPage)) : null,
      next: page < lastPage ? pageLink(page + 1) : null,
    })),
    meta: {
      current_page: page,
      from: data.length ? start + 1 : null,
      last_page: lastPage,
      path: endpointUrl,
      per_page: perPage,
      to: data.length ? start + data.length : null,
      total,
    },
  };
}
