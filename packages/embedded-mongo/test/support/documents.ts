import type { Document, ObjectId } from 'mongodb';

/**
 * A document of a collection where a test deliberately stores mixed shapes and `_id` types.
 *
 * Untyped, `db.collection('x')` is `Collection<Document>`, whose `_id` the driver types as ObjectId,
 * so numeric and string `_id`s do not typecheck. This keeps the other fields as loose as the
 * driver's own `Document` (so `$inc`, `$set` and dotted paths work on any field) and only widens
 * `_id`. Fields used with array operators (`$push`, `$pull`) must be declared as arrays, as in
 * `AnyDoc & { tags: string[] }`.
 */
export interface AnyDoc extends Document {
  _id?: number | string | ObjectId;
}
