/** Notifications of a cluster run: decide whether there is news, then tell Slack and/or SNS. */
export type { ChannelPolicy, NewDrift, NotificationDecision, ScanProblems } from './decide.ts';
export { DEFAULT_MIN_SEVERITY, notificationFor } from './decide.ts';
export type { Severity } from './severity.ts';
export { SEVERITIES, changeSeverity, driftSeverity, highestSeverity, isAtLeast, resolvedSeverity } from './severity.ts';
export type { NotificationCounts } from './summary.ts';
export { countsOf, headline } from './summary.ts';
export type { SlackBlock, SlackMessage, SlackMessageOptions } from './slack.ts';
export { SLACK_LIMITS, buildSlackMessage } from './slack.ts';
export type { SlackDelivery, SlackSendOptions } from './slack-send.ts';
export { sendSlack } from './slack-send.ts';
export type { RunStatus, SnsBody } from './sns-body.ts';
export { SNS_BODY_BUDGET } from './sns-body.ts';
export type { SnsAttribute, SnsMessage, SnsMessageOptions } from './sns.ts';
export { SNS_SUBJECT_MAX, buildSnsMessage, publishSns, snsSubject } from './sns.ts';
