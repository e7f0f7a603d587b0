// The workflow modules every workflow of a worker thread shares instead of loading its own copy
// (bundler `preloadModules`, reuseV8Context). Without this, each cached workflow evaluated every
// module of the bundle again: the zod schemas of every write type, the write rules, the catalog
// (907 KiB of workflow heap per waiting write before; docs/benchmarks.md, worker memory).
//
// Shared means evaluated once, before any workflow runs. A module listed here therefore holds no
// per-workflow state (test/unit/shared-modules.test.ts checks that, and that every module that may
// be shared is). connections/workflow/pacing.ts keeps state per workflow execution, so it and the modules
// that import it (the waits, the step runner, the write context, the write workflows)
// stay per workflow: functions and classes, little memory.
//
// The SDK deep-freezes what shared modules export, as a guard against such state. zod schemas
// cannot be frozen: they compute and memoize members on first use (bound methods, the memoised
// parser, `shape`), which throws "object is not extensible" on a frozen schema. So each shared
// module's export object is frozen here, shallowly: its bindings stay fixed, and the SDK's freeze
// stops at an object that is frozen already, leaving the schemas it reaches to memoize (a cache of
// pure values, the same whichever workflow fills it).
import { z } from 'zod';
import * as catalog from '../writes/workflow/catalog.js';
import * as failures from '../failures/workflow/failure-types.js';
import * as makiniContract from '../makini/workflow/contract.js';
import * as makiniEntities from '../makini/workflow/entities.js';
import * as callTiming from '../makini/workflow/call-timing.js';
import * as errorCodeLabel from '../makini/workflow/error-code-label.js';
import * as passthroughDialects from '../makini/workflow/passthrough-dialects.js';
import * as checkWrite from '../profiles/workflow/check-write.js';
import * as customFields from '../profiles/workflow/custom-fields.js';
import * as makiniFields from '../profiles/workflow/makini-fields.js';
import * as profileSchema from '../profiles/workflow/schema.js';
import * as statusNames from '../profiles/workflow/status-names.js';
import * as controlMessages from '../connections/workflow/messages.js';
import * as controlState from '../connections/workflow/control-state.js';
import * as controlWorkflow from '../connections/workflow/control-workflow.js';
import * as gatePolicy from '../connections/workflow/gate-policy.js';
import * as metricLabels from '../observability/workflow/metric-labels.js';
import * as searchAttributes from '../observability/workflow/search-attributes.js';
import * as compensation from '../writes/workflow/engine/compensation.js';
import * as failureInfo from '../writes/workflow/engine/failure-info.js';
import * as fieldValues from '../writes/workflow/engine/field-values.js';
import * as horizon from '../writes/workflow/engine/horizon.js';
import * as lateDuplicates from '../writes/workflow/engine/late-duplicates.js';
import * as input from '../writes/workflow/engine/input.js';
import * as stepObserver from '../writes/workflow/engine/step-observer.js';
import * as steps from '../writes/workflow/engine/steps.js';
import * as verdictGate from '../writes/workflow/engine/verdict-gate.js';
import * as verdict from '../writes/workflow/engine/verdict.js';
import * as writeInput from '../writes/workflow/engine/write-input.js';
import * as writeMessages from '../writes/workflow/messages.js';
import * as bulkContract from '../writes/bulk/workflow/contract.js';
import * as bulkWorkflows from '../writes/bulk/workflow/workflows.js';
import * as inventoryContract from '../writes/inventory/workflow/contract.js';
import * as purchaseOrderContract from '../writes/purchase-orders/workflow/contract.js';
import * as workOrderContract from '../writes/work-orders/workflow/contract.js';
import * as inventoryAdjustment from '../writes/inventory/workflow/adjustment.js';
import * as workOrderReference from '../writes/work-orders/workflow/reference.js';

// zod initialises some of its module state on first use (default locale, memoizer, whether it may
// compile parsers with `new Function`); a first use after the freeze would throw "object is not
// extensible". One parse through an object and an array schema does all of it now.
z.object({ lines: z.array(z.string()) }).parse({ lines: ['preload'] });

/** Freezes a module's exports (not what they refer to) before the SDK's deep freeze reaches them. */
function freezeBindings(moduleExports: object): void {
  try {
    Object.freeze(moduleExports);
  } catch {
    // An ES module namespace (this module loaded outside the workflow bundle, as in unit tests) is
    // fixed already and refuses Object.freeze.
  }
}

for (const moduleExports of [
  catalog,
  failures,
  makiniContract,
  makiniEntities,
  callTiming,
  errorCodeLabel,
  passthroughDialects,
  checkWrite,
  customFields,
  makiniFields,
  profileSchema,
  statusNames,
  controlMessages,
  controlState,
  controlWorkflow,
  gatePolicy,
  metricLabels,
  searchAttributes,
  compensation,
  failureInfo,
  fieldValues,
  horizon,
  input,
  lateDuplicates,
  stepObserver,
  steps,
  verdictGate,
  verdict,
  writeInput,
  writeMessages,
  bulkContract,
  bulkWorkflows,
  inventoryContract,
  purchaseOrderContract,
  workOrderContract,
  inventoryAdjustment,
  workOrderReference,
]) {
  freezeBindings(moduleExports);
}
