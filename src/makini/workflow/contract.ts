// The Makini API contract as this project uses it: every path, header and error code, in ONE place.
// Facts marked [assumed] in docs/makini-contract.md are not published by Makini; change them here only.

/** Default production base URL [spec]. */
export const MAKINI_DEFAULT_BASE_URL = 'https://api.makini.io';

/** HTTP headers read or written. */
export const MakiniHeader = {
  authorization: 'authorization',
  requestId: 'x-request-id', // [assumed]
  processingTimeMs: 'x-processing-time-ms', // [assumed]
  retryAfter: 'retry-after', // RFC 9110
  /** Default; MAKINI_WEBHOOK_SIGNATURE_HEADER overrides it. Makini sends no delivery-id or timestamp header [docs]. */
  webhookSignature: 'x-webhook-signature', // [docs: webhook/Webhook.md]
} as const;

/**
 * What `{ status }` of PUT /purchase-orders/{key}/status names, in order of preference: the listed
 * status's code, else its name, else its key [assumed] (the spec publishes the body as
 * `{ status: string }` only; the work-order status PUT takes `{ statusKey }` [spec]).
 */
export const PO_STATUS_BODY_NAMES_BY = ['code', 'name', 'key'] as const;

/** Paths (relative to the base URL). Keys are Makini entity keys, encoded here. */
export const MakiniPath = {
  integrationCurrent: () => '/api/integrations/current',
  purchaseOrders: () => '/api/eam/purchase-orders',
  purchaseOrder: (key: string) => `/api/eam/purchase-orders/${encodeURIComponent(key)}`,
  purchaseOrderStatus: (key: string) => `/api/eam/purchase-orders/${encodeURIComponent(key)}/status`,
  purchaseOrderLineItemsOf: (key: string) => `/api/eam/purchase-orders/${encodeURIComponent(key)}/line-items`, // [assumed]
  purchaseOrderLineItems: () => '/api/eam/purchase-orders.line-items',
  purchaseOrderLineItem: (key: string) => `/api/eam/purchase-orders.line-items/${encodeURIComponent(key)}`,
  workOrders: () => '/api/eam/work-orders',
  workOrder: (key: string) => `/api/eam/work-orders/${encodeURIComponent(key)}`,
  workOrderStatus: (key: string) => `/api/eam/work-orders/${encodeURIComponent(key)}/status`,
  workOrderMaterials: (key: string) => `/api/eam/work-orders/${encodeURIComponent(key)}/materials`,
  workOrderMaterial: (key: string, materialKey: string) =>
    `/api/eam/work-orders/${encodeURIComponent(key)}/materials/${encodeURIComponent(materialKey)}`,
  inventories: () => '/api/eam/inventories',
  inventory: (key: string) => `/api/eam/inventories/${encodeURIComponent(key)}`,
  /** A material (Makini `Part`) with its `inventories` [spec]. */
  material: (key: string) => `/api/eam/materials/${encodeURIComponent(key)}`,
  materialInventory: (materialKey: string) => `/api/eam/materials/${encodeURIComponent(materialKey)}/inventory`,
  vendors: () => '/api/eam/vendors',
  /** A vendor by its key [spec]; 404 when no vendor has it. */
  vendor: (key: string) => `/api/eam/vendors/${encodeURIComponent(key)}`,
  sites: () => '/api/eam/sites',
  site: (key: string) => `/api/eam/sites/${encodeURIComponent(key)}`,
  unitsOfMeasure: () => '/api/eam/uom',
  unitOfMeasure: (key: string) => `/api/eam/uom/${encodeURIComponent(key)}`,
  statuses: (entity: 'purchase-orders' | 'work-orders') => `/api/eam/statuses/${entity}`,
  /** The connected system's own API through Makini [spec: oas3_system.json, `POST /api/passthrough`]; see MakiniPassthrough. */
  passthrough: () => '/api/passthrough',
  /** OAuth 2.0 token endpoint, form-encoded [docs: Makini api-docs authentication.md, `POST https://api.makini.io/link/token`]. */
  linkToken: () => '/link/token',
} as const;

/**
 * Makini's OAuth 2.0 token endpoint as this project uses it. The authorization-code exchange, its
 * fields and the lifetimes are published [docs: authentication.md]; everything about refreshing is
 * standard OAuth 2.0 (RFC 6749 §6) and [assumed].
 */
export const MakiniOAuth = {
  grantAuthorizationCode: 'authorization_code', // [docs]
  grantRefreshToken: 'refresh_token', // [assumed] RFC 6749 §6, at the same endpoint
  /** Access token lifetime [docs: "expires in 30 days"]: used when an answer's `expires_in` is unreadable. */
  accessTokenLifetimeMs: 30 * 24 * 3600_000,
  /** Refresh token lifetime [docs: "expires in 31 days"]. */
  refreshTokenLifetimeMs: 31 * 24 * 3600_000,
  /**
   * `expires_in` above this is an absolute time in epoch seconds, below it a lifetime in seconds
   * [assumed]: Makini's published sample answers `"expires_in": "1715674414"` (a string holding an
   * epoch time) where RFC 6749 has a number of seconds; both readings are accepted.
   */
  expiresInEpochThreshold: 1_000_000_000,
} as const;

/** Error codes in `{ error: { code } }` bodies. */
export const MakiniErrorCode = {
  validationFailed: 'VALIDATION_FAILED', // 400 [assumed]
  authenticationFailed: 'AUTHENTICATION_FAILED', // 401 [docs]
  permissionDenied: 'PERMISSION_DENIED', // 403 [assumed]
  notFound: 'NOT_FOUND', // 404 [assumed]
  writeNotAllowed: 'WRITE_NOT_ALLOWED', // 409 [assumed]
  rateLimitExceeded: 'RATE_LIMIT_EXCEEDED', // 429 [docs]
  internalError: 'INTERNAL_ERROR', // 500 [assumed]
  serviceUnavailable: 'SERVICE_UNAVAILABLE', // 503 [assumed]
} as const;
export type MakiniErrorCode = (typeof MakiniErrorCode)[keyof typeof MakiniErrorCode];

/** Error `type` values paired with the codes above [assumed]. */
export const MakiniErrorType: Record<MakiniErrorCode, string> = {
  VALIDATION_FAILED: 'invalid_request_error',
  AUTHENTICATION_FAILED: 'authentication_error',
  PERMISSION_DENIED: 'permission_error',
  NOT_FOUND: 'invalid_request_error',
  WRITE_NOT_ALLOWED: 'invalid_request_error',
  RATE_LIMIT_EXCEEDED: 'rate_limit_error',
  INTERNAL_ERROR: 'api_error',
  SERVICE_UNAVAILABLE: 'api_error',
};

/** Query-string builders of Makini's list endpoints [spec]; `cursor` from Makini's FAQ [docs]. */
export const MakiniQuery = {
  filter: (field: string, op?: 'contains' | 'gt' | 'lt' | 'gte' | 'lte') => `filter[${field}${op ? `:${op}` : ''}]`,
  sort: (field: string) => `sort[${field}]`,
  page: 'page',
  perPage: 'per_page',
  /** The next page of a cursor list: the `next_cursor` the previous page named, sent back as `?cursor=` [docs]. */
  cursor: 'cursor',
} as const;

/*
 * Pagination: how a list is read to its end (`listAll` in client.ts). Makini publishes two
 * answers: its OpenAPI files [spec] show `page`/`per_page` with `links {first,last,prev,next}` and `meta {current_page,last_page,total,...}`;
 * its FAQ pages [docs] describe cursor pagination (`next_cursor`, `?cursor=`). So a reader follows
 * what each answer names, in this order, and requires none of it:
 * 1. `links.next` (a URL), as given: it carries the filters and the page or cursor;
 * 2. else `next_cursor`, sent back as `cursor` with the same filters and `per_page`;
 * 3. else the next page number while `meta.current_page < meta.last_page`;
 * 4. else (nothing names a next page) the page was the last.
 * [assumed] where Makini is silent:
 * - `next_cursor` sits in `meta` (where Laravel's cursor paginator puts it) or at the top level;
 * - a `links.next` is on Makini's own origin (absolute or relative): one on another origin is
 *   refused, never followed with the connection's token;
 * - `per_page` is honoured up to MAKINI_MAX_PER_PAGE, and a page's size says nothing about whether
 *   more follow (a short or empty page may still name a next one);
 * - a list never needs more than MAKINI_MAX_LIST_PAGES pages: past them the answer is taken as a
 *   server naming `next` forever, and refused; so is a next page that names one already read.
 */

/** Largest page a list serves [assumed]; bigger `per_page` values are clamped, so readers follow pages. */
export const MAKINI_MAX_PER_PAGE = 200;

/** Pages a reader follows before refusing the list [assumed] (see Pagination above). */
export const MAKINI_MAX_LIST_PAGES = 500;

/**
 * Webhook event types this project acts on. Makini lists connection-status events ("connection
 * needs reauthorization", "online/offline") [docs] but publishes no names for them: these are
 * [assumed]. Its one published name is a data event, `assets.updated` [docs: webhook/Webhook.md];
 * an event of any other name is recorded on its connection and changes nothing.
 */
export const MakiniWebhookEvent = {
  connectionNeedsReauthorization: 'connection.needs_reauthorization',
  connectionOnline: 'connection.online',
  connectionOffline: 'connection.offline',
} as const;

/** How long Makini redelivers a webhook it got no 2xx for: exponential backoff from 30 s for up to 24 h [docs: FAQ]. */
export const MAKINI_WEBHOOK_REDELIVERY_MS = 24 * 60 * 60 * 1000;

/**
 * Makini's passthrough (`POST /api/passthrough`): the request body `{ path, method, headers, query,
 * body }` is published [spec: oas3_system.json, "Create a Passthrough"; `method` one of get, post,
 * put, delete, in lower case]; the answer's schema is published empty (`Passthrough: []`). So:
 * [assumed] the answer is Makini's envelope around the system's own answer,
 * `{ data: { status, headers, body } }` (status: the system's HTTP status; headers: its response
 * headers, names in lower case; body: its parsed JSON, or its text); and `path` is relative to the
 * system's API root (the published sample sends `dataservice` for a JD Edwards AIS server). An outer
 * answer other than a 2xx is Makini's own (a 429, a 5xx) and is classified like any Makini answer;
 * a 2xx without this shape breaks the contract (MakiniMalformedResponse: a write may have landed).
 */
export const MakiniPassthrough = {
  /** Methods the passthrough forwards [spec]. */
  methods: ['get', 'post', 'put', 'delete'] as const,
  /**
   * PATCH is not among the published methods: a dialect that needs one sends it as a POST with
   * this header [assumed] (OData's tunnelling header; unused by the NetSuite dialect).
   */
  methodOverrideHeader: 'X-HTTP-Method',
} as const;
