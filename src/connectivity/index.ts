// Public API of src/connectivity: the model every NetworkPolicy of a chart is rendered from,
// and the client peer type components accept.
export { Connectivity, describePeer } from './connectivity';
export type { AddWorkloadOptions, Endpoint, ExternalEndpoint, Flow, ServiceEndpoint, Workload, WorkloadGroup } from './connectivity';
export type { ClientPeer } from './client-peer';
export { renderConnectivityDocument } from './connectivity-document';
export type { ConnectivityDocumentOptions } from './connectivity-document';
