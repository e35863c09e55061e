import { eq, sql } from 'drizzle-orm';
import { rows, type Db } from '../db/open.js';
import { cycles, submissions } from '../db/schema.js';
import { SikaError } from '../errors.js';
import { money } from '../money.js';
import { CHANNELS, paymentFileIds, type Channel } from './file-names.js';
import type { PaymentFormat } from './formats/payment-format.js';
import type { FilePlan } from './payment-lines.js';

export type Cycle = typeof cycles.$inferSelect;
export type Submission = typeof submissions.$inferSelect;

const channelRank = (c: string) => CHANNELS.indexOf(c as Channel);
const planKey = (f: {
  channel: string;
  sequence: number;
  txCount: number;
  controlSum: string;
  format: string;
}) => `${f.channel}/${f.sequence}/${f.txCount}/${money(f.controlSum).toFixed(2)}/${f.format}`;

/** The file name of a submission in its format: the .xml of the naming rule with its extension. */
export function fileNameIn(format: PaymentFormat, xmlName: string): string {
  return xmlName.replace(/\.xml$/, format.extension);
}

/**
 * Records every file of the plan as 'prepared' before any is written, in one transaction under
 * a lock on the cycle, so two submitters cannot both start and a crash leaves a record to resume.
 * `resumed` is true when the records come from an earlier run, whose files may have left.
 */
export async function prepareSubmissions(
  db: Db,
  cycle: Cycle,
  plan: FilePlan[],
  formats: Record<Channel, PaymentFormat>,
): Promise<{ records: Submission[]; resumed: boolean }> {
  return db.transaction(async (tx) => {
    const [locked] = await rows<{ status: string }>(
      tx,
      sql`SELECT status FROM cycles WHERE id = ${cycle.id} FOR UPDATE`,
    );
    if (!locked || !['approved', 'submitted'].includes(locked.status)) {
      throw new SikaError('CYCLE_STATE', `cycle ${cycle.id} changed state during submission`);
    }

    let existing = await tx.select().from(submissions).where(eq(submissions.cycleId, cycle.id));
    const resumed = existing.length > 0;
    if (!resumed) {
      await tx.insert(submissions).values(
        plan.map((f) => {
          const ids = paymentFileIds({ ...cycle, channel: f.channel, sequence: f.sequence });
          const format = formats[f.channel];
          return {
            cycleId: cycle.id,
            channel: f.channel,
            sequence: f.sequence,
            ...ids,
            fileName: fileNameIn(format, ids.fileName),
            format: format.name,
            txCount: f.txCount,
            controlSum: f.controlSum,
            status: 'prepared',
          };
        }),
      );
      existing = await tx.select().from(submissions).where(eq(submissions.cycleId, cycle.id));
    }

    const recorded = existing.map(planKey).sort().join(',');
    const planned = plan.map((f) => planKey({ ...f, format: formats[f.channel].name }));
    if (recorded !== planned.sort().join(',')) {
      throw new SikaError(
        'USAGE',
        `cycle ${cycle.id} was first submitted with another file split or format`,
        { recordedFiles: existing.length, plannedFiles: plan.length },
      );
    }
    const records = existing.sort(
      (a, b) => channelRank(a.channel) - channelRank(b.channel) || a.sequence - b.sequence,
    );
    return { records, resumed };
  });
}
