// The failure converter of encrypted deployments, loaded by path (DataConverter.failureConverterPath):
// by the worker for activity failures, and bundled into the workflows for theirs. It moves each
// failure's message and stack trace into an encoded attributes payload, which the payload codec
// then encrypts; the history keeps "Encoded failure" in their place. Workflow code: no Node built-ins.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
