// Modules every workflow of a worker thread shares instead of loading its own copy (bundler
// `preloadModules`, reuseV8Context): each cached workflow otherwise carries its own instance of
// zod's library code (docs/benchmarks.md, worker memory). Only zod itself: our schemas stay per
// workflow, because zod caches lazily on schema objects and preloaded modules are deep-frozen.
import { z } from 'zod';

// zod initialises some of its module state on first use (default locale, memoizer, whether it may
// compile parsers with `new Function`); a first use after the freeze would throw "object is not
// extensible". One parse through an object and an array schema does all of it now.
z.object({ lines: z.array(z.string()) }).parse({ lines: ['preload'] });
