import { defaultEnvironments } from './platform/presets';
import { runSynthApp } from './platform/synthesize';

// cdk8s.yaml's `output` is a scratch directory; the app publishes to dist/ (see runSynthApp).
process.exitCode = runSynthApp(defaultEnvironments());
