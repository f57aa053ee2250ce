/** Where EKS sends control-plane logs (audit among them) when they are switched on. Kept apart from the SDK reader. */
export function defaultEksLogGroup(eksClusterName: string): string {
  return `/aws/eks/${eksClusterName}/cluster`;
}
