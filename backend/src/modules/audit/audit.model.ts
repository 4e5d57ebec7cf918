import mongoose, { Schema, type Types } from 'mongoose';

export type AuditEntry = {
  _id: Types.ObjectId;
  at: Date;
  actor: { kind: string; id: string | null; label: string | null };
  action: string;
  entity: { type: string; id: string | null };
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
};

const auditSchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true },
    actor: { kind: String, id: String, label: String },
    action: { type: String, required: true },
    entity: { type: { type: String }, id: String },
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    reason: String,
    requestId: String,
  },
  { collection: 'audit_log', versionKey: false, minimize: false },
);
auditSchema.index({ 'entity.type': 1, 'entity.id': 1, _id: -1 });
auditSchema.index({ 'actor.id': 1, _id: -1 });
// The audit screen's filters: one action (or an action prefix) and a date range, newest first.
auditSchema.index({ action: 1, _id: -1 });
auditSchema.index({ at: -1, _id: -1 });

export const AuditModel = mongoose.model<AuditEntry>('AuditEntry', auditSchema);
