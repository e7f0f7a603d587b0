// The names of the native dialects a write can speak through Makini's passthrough
// (`POST /api/passthrough`): each is one module behind one interface (src/makini/passthrough/dialect.ts).
// Profile data names them (`transport.create.dialect`, src/profiles/workflow/schema.ts), which is
// why the names live here, below profiles, and not beside the profile schema.
import { z } from 'zod';

export const PASSTHROUGH_DIALECTS = ['netsuite-rest', 'sap-odata', 'dynamics-batch'] as const;
export const passthroughDialectSchema = z.enum(PASSTHROUGH_DIALECTS);
export type PassthroughDialectName = z.infer<typeof passthroughDialectSchema>;
