import type { CreateStaffBody, UpdateStaffBody } from '@regulars/contracts';
import bcrypt from 'bcryptjs';
import { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { StaffModel, toStaffSummary } from './staff.model.js';
import { StoreModel } from '../stores/store.model.js';

/** Staff accounts: created and changed by admins, every change audit-logged. */
export class StaffService {
  constructor(private readonly deps: { audit: AuditService; bcryptCost: number }) {}

  hashPassword(password: string): Promise<string> {
    return bcrypt.hash(password, this.deps.bcryptCost);
  }

  async create(input: CreateStaffBody, actor: Principal) {
    if (input.storeId) await this.assertStore(input.storeId);
    const existing = await StaffModel.exists({ email: input.email.toLowerCase() });
    if (existing)
      throw new ConflictError('STAFF_EXISTS', `A staff account with the email ${input.email} already exists`);
    const staff = await StaffModel.create({
      email: input.email,
      name: input.name,
      role: input.role,
      storeId: input.storeId ?? null,
      passwordHash: await this.hashPassword(input.password),
    });
    const summary = toStaffSummary(staff);
    await this.deps.audit.record({
      actor,
      action: 'staff.create',
      entity: { type: 'staff', id: summary.id },
      after: summary,
    });
    return summary;
  }

  async update(id: string, input: UpdateStaffBody, actor: Principal) {
    const staff = await StaffModel.findById(id);
    if (!staff) throw new NotFoundError('Staff', id);
    if (input.storeId) await this.assertStore(input.storeId);
    const before = { ...toStaffSummary(staff), isActive: staff.isActive };
    if (input.name !== undefined) staff.name = input.name;
    if (input.role !== undefined) staff.role = input.role;
    if (input.isActive !== undefined) staff.isActive = input.isActive;
    if (input.storeId !== undefined) staff.storeId = input.storeId ? new Types.ObjectId(input.storeId) : null;
    if (input.password !== undefined) staff.passwordHash = await this.hashPassword(input.password);
    await staff.save();
    const after = { ...toStaffSummary(staff), isActive: staff.isActive };
    await this.deps.audit.record({
      actor,
      action: input.password !== undefined ? 'staff.update_with_password' : 'staff.update',
      entity: { type: 'staff', id },
      before,
      after,
    });
    return after;
  }

  async list() {
    const staff = await StaffModel.find().sort({ email: 1 }).lean();
    return staff.map((s) => ({ ...toStaffSummary(s), isActive: s.isActive }));
  }

  private async assertStore(storeId: string): Promise<void> {
    if (!(await StoreModel.exists({ _id: storeId }))) throw new NotFoundError('Store', storeId);
  }
}
