// `start <workflowType> <input.json> [--wait] [--json]`: starts a write (idempotent: same key, same
// execution). The input is validated before anything connects: a bad one exits 2 naming each field and rule.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { InvalidWriteInputError, startWrite, WRITE_TYPE_NAMES, type WriteInput, type WriteType } from '../../client/index.js';
import { isWriteType } from '../../writes/workflow/catalog.js';
import { writeStartOptions } from '../../writes/start-write.js';
import { CliUsageError, EXIT_USAGE, flag, JSON_OPTION, printJson, type CliCommand, type CliIo } from '../command.js';
import { withClient } from '../connect.js';
import { formatSteps } from '../format-steps.js';
import { positionals } from '../options.js';
import { readJsonFile } from '../read-json-file.js';
import { printable } from '../../observability/printable.js';

/** Every problem of an invalid input, one per line (field, rule, what is expected). */
export function formatInvalidInput(err: InvalidWriteInputError): string {
  return [
    `InvalidWriteInput: ${err.workflowType} input has ${err.problems.length} problem(s); nothing was sent:`,
    ...err.problems.map((p) => `  ${p.field}: ${p.message}`),
  ].join('\n');
}

/** Reports an invalid input (as text on stderr, or as the JSON document with --json); exit 2. */
export function reportInvalidInput(io: CliIo, err: InvalidWriteInputError, json: boolean): number {
  if (json) {
    printJson(io, {
      workflowType: err.workflowType,
      failure: { type: 'InvalidWriteInput', message: err.message, problems: err.problems },
    });
  } else {
    io.err(formatInvalidInput(err));
  }
  return EXIT_USAGE;
}

/** `write failed: <type>: <message>`, on one line whatever the message holds. */
export function formatWriteFailure(failure: { type?: string | null; message: string }): string {
  return printable(`write failed: ${failure.type ? `${failure.type}: ` : ''}${failure.message}`);
}

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'start a write from a JSON input (same idempotency key, same execution)',
  usage: '<workflowType> <input.json>',
  description:
    'The input is validated first, before connecting: an invalid one exits 2 naming every field and rule\n' +
    '(InvalidWriteInput), and nothing is sent. The workflow id derives from the write type, connection and\n' +
    'idempotency key, so starting the same input again reaches the same execution.\n' +
    'With --wait: the result and the step table; exit 1 if the write failed (its failure type and message).',
  arguments: {
    '<workflowType>': WRITE_TYPE_NAMES.join(', '),
    '<input.json>': 'the write input (examples/purchase-order.sap.json, examples/work-order.emaint.json, ...)',
  },
  options: {
    wait: { type: 'boolean', description: 'wait for the result; print it and the step table' },
    json: JSON_OPTION,
  },
  examples: [
    'makini-writes start createPurchaseOrder examples/purchase-order.sap.json --wait',
    'makini-writes start adjustInventory examples/inventory-adjust.sap.json --json',
  ],
  temporal: true,
  async run(args, io) {
    const [type, file] = positionals(args, ['<workflowType>', '<input.json>']) as [string, string];
    if (!isWriteType(type)) throw new CliUsageError(`unknown write type "${type}" (one of ${WRITE_TYPE_NAMES.join(', ')})`);
    const json = flag(args, 'json');
    const input = readJsonFile(file) as WriteInput<WriteType>;
    try {
      writeStartOptions(type, input); // validates: no connection for an input that would be refused
    } catch (err) {
      if (err instanceof InvalidWriteInputError) return reportInvalidInput(io, err, json);
      throw err;
    }
    return withClient(async (client) => {
      const handle = await startWrite(client, type, input, { taskQueue: process.env.TEMPORAL_TASK_QUEUE || undefined });
      if (!json) io.out(`started ${type}: workflow id ${handle.workflowId}`);
      if (!flag(args, 'wait')) {
        if (json) printJson(io, { workflowType: type, workflowId: handle.workflowId });
        return 0;
      }
      try {
        const result = await handle.result();
        if (json) {
          printJson(io, { workflowType: type, workflowId: handle.workflowId, result });
        } else {
          io.out(JSON.stringify({ ...result, steps: undefined }, null, 2));
          io.out(formatSteps(result.steps));
        }
        return 0;
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const cause = err.cause;
        const failure = {
          type: cause instanceof ApplicationFailure ? cause.type : cause?.name,
          message: cause?.message ?? err.message,
          ...(cause instanceof ApplicationFailure && cause.details?.length ? { details: cause.details } : {}),
        };
        if (json) printJson(io, { workflowType: type, workflowId: handle.workflowId, failure });
        else io.err(formatWriteFailure(failure));
        return 1;
      }
    });
  },
};
