// Public API of src/connectivity: the model every NetworkPolicy of a chart is rendered from, and
// the client peer type components accept. The document renderer stays internal (the synth writes it).
export { Connectivity } from './connectivity';
export type { AddWorkloadOptions, Endpoint, ExternalEndpoint, Flow, ServiceEndpoint, Workload, WorkloadGroup } from './connectivity';
export type { ClientPeer } from './client-peer';
