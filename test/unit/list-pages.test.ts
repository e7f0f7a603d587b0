// What a list reader refuses, whatever style the list pages by: a server naming a next page
// forever (the page cap), or naming a page already read (a loop), each with a clear error.
import { describe, expect, it } from 'vitest';
import { createTokenSource } from '../../src/config/token-source.js';
import { MakiniClient } from '../../src/makini/client.js';
import { MAKINI_MAX_LIST_PAGES, MakiniPath } from '../../src/makini/workflow/contract.js';
import { MakiniError } from '../../src/makini/errors.js';

const BASE = 'http://127.0.0.1:1';

/** A client whose every GET is answered by `page(url)`; the URLs asked are kept. */
function clientAnswering(page: (url: URL) => unknown) {
  const asked: URL[] = [];
  const fetchStub = (async (input: URL | string) => {
    const url = new URL(String(input));
    asked.push(url);
    return new Response(JSON.stringify(page(url)), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const makini = new MakiniClient({
    baseUrl: BASE,
    timeoutMs: 1_000,
    fetch: fetchStub,
    tokenSource: createTokenSource([{ id: 'c1', token: { env: 'T' } }], { env: { T: 'tok' } }),
  });
  return { makini, asked };
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => (e as MakiniError).info,
  );

describe('reading a list to its end', () => {
  it(`refuses a list that still names a next page after ${MAKINI_MAX_LIST_PAGES} pages`, async () => {
    let n = 0;
    const { makini, asked } = clientAnswering(() => ({ data: [{ key: `V-${n}` }], meta: { next_cursor: `c${++n}` } }));
    const info = await failureOf(makini.findVendorsByCode('c1', 'x'));
    expect(info).toMatchObject({ type: 'MakiniMalformedResponse', retryable: false, ambiguous: false });
    expect(info.message).toMatch(new RegExp(`still names a next page after ${MAKINI_MAX_LIST_PAGES} pages.*refusing to read further`));
    expect(asked).toHaveLength(MAKINI_MAX_LIST_PAGES);
  });

  it('refuses a next page that names one already read (a cursor API asked again and again for page 1)', async () => {
    const { makini, asked } = clientAnswering(() => ({
      data: [{ key: 'S-1' }],
      links: { next: `${MakiniPath.statuses('work-orders')}?per_page=200` },
    }));
    const info = await failureOf(makini.listStatuses('c1', 'work-orders'));
    expect(info.message).toMatch(/names as its next page one already read/);
    expect(asked).toHaveLength(1);
  });

  it('follows a relative next link (query only) on the same path, and an empty page that still names one', async () => {
    const { makini, asked } = clientAnswering((url) =>
      url.searchParams.get('cursor') === null
        ? { data: [], links: { next: '?cursor=b&per_page=200' } }
        : { data: [{ key: 'S-2' }], links: { next: null }, meta: { next_cursor: null } },
    );
    const res = await makini.listStatuses('c1', 'purchase-orders');
    expect(res.data.data.map((s) => s.key)).toEqual(['S-2']);
    expect(asked.map((u) => `${u.pathname}${u.search}`)).toEqual([
      `${MakiniPath.statuses('purchase-orders')}?per_page=200`,
      `${MakiniPath.statuses('purchase-orders')}?cursor=b&per_page=200`,
    ]);
  });

  it('refuses a next link that is not http(s), without quoting it', async () => {
    const { makini } = clientAnswering(() => ({ data: [], links: { next: 'javascript:alert(1)' } }));
    const info = await failureOf(makini.listStatuses('c1', 'work-orders'));
    expect(info.message).toMatch(/names its next page on a URL that is not http\(s\)/);
    expect(info.message).not.toContain('alert');
  });
});
