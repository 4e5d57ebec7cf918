import {
  CurrentPrincipal,
  API_SCOPES,
  LogoutBody,
  MemberSessionResponse,
  OtpRequestBody,
  OtpRequestResponse,
  OtpVerifyBody,
  RefreshBody,
  StaffLoginBody,
  StaffLoginResponse,
  TokenPair,
} from '@regulars/contracts';
import type { Config } from '../../config.js';
import type { Api } from '../../platform/http.js';
import { reply } from '../../platform/http.js';
import { ALL_STAFF, type Principal } from '../../platform/principal.js';
import type { AuthService } from './auth.service.js';
import { StaffModel, toStaffSummary } from '../staff/staff.model.js';
import { MemberModel } from '../members/member.model.js';
import { NotFoundError } from '../../platform/errors.js';

export function registerAuthRoutes(api: Api, deps: { auth: AuthService; config: Config }): void {
  const limits = deps.config.rateLimits;

  api.route({
    method: 'post',
    path: '/auth/staff/login',
    operationId: 'loginStaff',
    summary: 'Staff sign-in with email and password',
    tags: ['Auth'],
    access: { public: true },
    body: StaffLoginBody,
    response: { status: 200, schema: StaffLoginResponse },
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'RATE_LIMITED'],
    rateLimits: ({ body, req }) => [
      {
        bucket: 'signin-ip',
        key: req.ip ?? 'unknown',
        limit: limits.signInPerIpPer15Min,
        windowSeconds: 900,
        message: 'Too many sign-in attempts from this network',
      },
      {
        bucket: 'signin-email',
        key: body.email.toLowerCase(),
        limit: limits.signInPer15Min,
        windowSeconds: 900,
        message: 'Too many sign-in attempts for this account',
      },
    ],
    handler: ({ body }) => deps.auth.staffLogin(body.email, body.password),
  });

  api.route({
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refreshSession',
    summary: 'Exchange a refresh token for a new pair (the old one is spent)',
    description:
      'Refresh tokens rotate: each can be used once. Using a spent token revokes every token of that sign-in.',
    tags: ['Auth'],
    access: { public: true },
    body: RefreshBody,
    response: { status: 200, schema: TokenPair },
    errors: ['REFRESH_TOKEN_REUSED', 'REFRESH_TOKEN_EXPIRED', 'INVALID_REFRESH_TOKEN'],
    rateLimits: ({ req }) => [
      {
        bucket: 'refresh-ip',
        key: req.ip ?? 'unknown',
        limit: limits.codeChecksPerMin * 5,
        windowSeconds: 60,
      },
    ],
    handler: ({ body }) => deps.auth.refresh(body.refreshToken),
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    summary: 'Sign out: revokes the refresh token and every token rotated from it',
    tags: ['Auth'],
    access: { public: true },
    body: LogoutBody,
    response: { status: 204 },
    handler: async ({ body }) => {
      await deps.auth.logout(body.refreshToken);
      return reply(204, undefined);
    },
  });

  api.route({
    method: 'post',
    path: '/auth/member/otp',
    operationId: 'requestMemberOtp',
    summary: 'Send a 6-digit sign-in code to a phone',
    description:
      'The answer is the same whether or not the phone belongs to a member: verifying the code tells (`SIGNUP_REQUIRED` for a new phone). A phone with an extension is refused. Outside production the response also carries the code as `devCode`, so demos and tests can sign in.',
    tags: ['Auth'],
    access: { public: true },
    body: OtpRequestBody,
    response: { status: 200, schema: OtpRequestResponse },
    errors: ['RATE_LIMITED', 'MESSAGE_DELIVERY_FAILED', 'VALIDATION_FAILED'],
    // Keyed on the number as it will be texted (E.164), so that no spelling of it gets a quota of its own.
    rateLimits: async ({ body, req }) => [
      {
        bucket: 'otp-ip',
        key: req.ip ?? 'unknown',
        limit: limits.otpPerIpPerHour,
        windowSeconds: 3600,
        message: 'Too many codes requested from this network',
      },
      {
        bucket: 'otp-phone',
        key: await deps.auth.normalisePhone(body.phone),
        limit: limits.otpPerPhonePerHour,
        windowSeconds: 3600,
        message: 'Too many codes requested for this phone',
      },
    ],
    handler: ({ body }) => deps.auth.requestOtp(body.phone),
  });

  api.route({
    method: 'post',
    path: '/auth/member/verify',
    operationId: 'verifyMemberOtp',
    summary: 'Sign a member in with the code (and join, when `signup` is given for a new phone)',
    tags: ['Auth'],
    access: { public: true },
    body: OtpVerifyBody,
    response: { status: 200, schema: MemberSessionResponse },
    errors: [
      'OTP_INVALID',
      'OTP_EXPIRED',
      'OTP_ATTEMPTS_EXCEEDED',
      'OTP_NOT_FOUND',
      'SIGNUP_REQUIRED',
      'MEMBER_EXISTS',
      'RATE_LIMITED',
    ],
    rateLimits: async ({ body, req }) => [
      {
        bucket: 'otp-verify-ip',
        key: req.ip ?? 'unknown',
        limit: limits.codeChecksPerMin,
        windowSeconds: 60,
      },
      {
        bucket: 'otp-verify-phone',
        key: await deps.auth.normalisePhone(body.phone),
        limit: 10,
        windowSeconds: 600,
      },
    ],
    handler: ({ body }) => deps.auth.verifyOtp(body),
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    operationId: 'getCurrentPrincipal',
    summary: 'Who am I: the signed-in staff member, member or API key',
    tags: ['Auth'],
    access: {
      staff: ALL_STAFF,
      member: true,
      apiKey: API_SCOPES,
    },
    response: { status: 200, schema: CurrentPrincipal },
    handler: async ({ principal }) => describePrincipal(principal),
  });
}

async function describePrincipal(principal: Principal) {
  if (principal.kind === 'staff') {
    const staff = await StaffModel.findById(principal.id).lean();
    if (!staff) throw new NotFoundError('Staff', principal.id);
    return { kind: 'staff', staff: toStaffSummary(staff) };
  }
  if (principal.kind === 'member') {
    const member = await MemberModel.findById(principal.id).lean();
    if (!member) throw new NotFoundError('Member', principal.id);
    return {
      kind: 'member',
      member: {
        id: String(member._id),
        name: member.name,
        phone: member.phone,
        cardNumber: member.cardNumber,
      },
    };
  }
  if (principal.kind === 'apiKey')
    return {
      kind: 'apiKey',
      apiKey: {
        id: principal.id,
        name: principal.name,
        scopes: principal.scopes,
        storeId: principal.storeId,
      },
    };
  return { kind: 'anonymous' };
}
