// The native dialects by name (profile data names them: `transport.create.dialect`).
import type { PassthroughDialectName } from '../workflow/passthrough-dialects.js';
import type { PassthroughDialect } from './dialect.js';
import { dynamicsBatch } from './dynamics-batch.js';
import { netsuiteRest } from './netsuite-rest.js';
import { sapOdata } from './sap-odata.js';

const DIALECTS: Readonly<Record<PassthroughDialectName, PassthroughDialect>> = {
  'netsuite-rest': netsuiteRest,
  'sap-odata': sapOdata,
  'dynamics-batch': dynamicsBatch,
};

/** The dialect a profile names (the profile schema allows only these names). */
export const dialectNamed = (name: PassthroughDialectName): PassthroughDialect => DIALECTS[name];
