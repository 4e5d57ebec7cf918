import { describe, expect, it } from 'vitest';
import { ApiError, fieldIssuesOf } from './errors.js';

const refusal = (details: unknown) =>
  new ApiError({ status: 400, code: 'VALIDATION_FAILED', message: 'Invalid input', details });

describe('fieldIssuesOf', () => {
  it("reads the API's VALIDATION_FAILED details, a list of { path, message }", () => {
    expect(
      fieldIssuesOf(
        refusal([
          { path: 'discount.percent', message: 'at most 100%' },
          { path: 'validity.endsAt', message: 'startsAt must be before endsAt' },
        ]),
      ),
    ).toEqual([
      { path: 'discount.percent', message: 'at most 100%' },
      { path: 'validity.endsAt', message: 'startsAt must be before endsAt' },
    ]);
  });

  it('reads details.issues, joins array paths and skips entries without a message', () => {
    expect(
      fieldIssuesOf(
        refusal({ issues: [{ path: ['items', 2, 'quantity'], message: 'too small' }, { path: 'x' }] }),
      ),
    ).toEqual([{ path: 'items.2.quantity', message: 'too small' }]);
  });

  it('finds nothing in other errors or details', () => {
    expect(fieldIssuesOf(new Error('boom'))).toEqual([]);
    expect(fieldIssuesOf(refusal({ minimumLength: 14 }))).toEqual([]);
    expect(fieldIssuesOf(refusal(undefined))).toEqual([]);
  });
});
