/** The Block Kit shapes driftwatch sends (built by slack.ts, posted by slack-send.ts). */

/** A Block Kit message for an incoming webhook; `text` is the fallback shown in notifications. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

interface PlainText {
  type: 'plain_text';
  text: string;
}

interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: MrkdwnText }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' }
  | { type: 'actions'; elements: Array<{ type: 'button'; text: PlainText; url: string }> };
