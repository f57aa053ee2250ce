/**
 * The small GitOps state the AWS tests apply and audit: a `payments` namespace with the `ledger` Deployment (and,
 * when a password is given, its database Secret, to prove no Secret value leaves the audit).
 */
export function ledgerManifests(options: { replicas: number; secretPassword?: string }): string {
  const deployment = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: payments
spec:
  replicas: ${options.replicas}
  selector:
    matchLabels: {app: ledger}
  template:
    metadata:
      labels: {app: ledger}
    spec:
      containers:
        - name: ledger
          image: registry.example.com/payments/ledger:5.1.0
`;
  if (options.secretPassword === undefined) return deployment;
  return `${deployment}---
apiVersion: v1
kind: Secret
metadata:
  name: ledger-db
  namespace: payments
stringData:
  password: ${options.secretPassword}
`;
}
