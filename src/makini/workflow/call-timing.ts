// How long one Makini call may take, as the workflow and the activity agree on it. Pure: workflow
// code imports it. An activity attempt lasts the request's timeout plus a send window: the time a
// call may wait inside the activity before it is sent (the gate's view of the connection, the
// process's send spacing, the token). The activity reads its request timeout back from its
// start-to-close timeout, so the system's profile (`timing.requestTimeoutMs`) reaches the HTTP
// client without a parameter on every activity.

/** What an attempt allows, besides the request itself, before the request leaves. */
export const SEND_WINDOW_MS = 10_000;

/**
 * Slack between the server starting an attempt's start-to-close timer and this worker seeing the
 * attempt begin (the poll's answer travelling): a request must be answered this long before the
 * attempt ends by the worker's own clock.
 */
export const ATTEMPT_END_SLACK_MS = 1_000;

/** The request timeout when the profile says nothing (also MAKINI_REQUEST_TIMEOUT_MS's default). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** The start-to-close timeout of an attempt whose request may take `requestTimeoutMs`. */
export const attemptTimeoutMs = (requestTimeoutMs: number) => requestTimeoutMs + SEND_WINDOW_MS;

/** The request timeout of an attempt with this start-to-close timeout (the inverse of attemptTimeoutMs). */
export const requestTimeoutOfAttempt = (startToCloseMs: number) => Math.max(startToCloseMs - SEND_WINDOW_MS, 1);
