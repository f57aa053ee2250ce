/** How the CLI reads one cluster's live state (its own file: run options and ad-hoc identities both read it). */
export type LiveAccess = { type: 'snapshot'; path: string } | { type: 'kubeconfig'; path?: string; context?: string };
