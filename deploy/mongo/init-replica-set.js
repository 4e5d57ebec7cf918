/* global rs, db, print, sleep -- mongosh globals */
// Initiates the three-member replica set rs0 once, waits for a primary, and creates the application's
// user. Run by the compose service `mongo-init` (mongosh against mongo1 as the root user); running it
// again changes nothing.
const members = [
  { _id: 0, host: 'mongo1:27017', priority: 2 },
  { _id: 1, host: 'mongo2:27017', priority: 1 },
  { _id: 2, host: 'mongo3:27017', priority: 1 },
];
try {
  rs.status();
  print('replica set rs0 already initiated');
} catch (error) {
  // 94 NotYetInitialized: a new deployment.
  if (error.code !== 94) throw error;
  rs.initiate({ _id: 'rs0', members });
  print('replica set rs0 initiated');
}
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i += 1) sleep(1000);
if (!db.hello().isWritablePrimary) throw new Error('no primary after 120 s');

const appDb = db.getSiblingDB(process.env.MONGODB_DB);
if (appDb.getUser('regulars') === null) {
  appDb.createUser({
    user: 'regulars',
    pwd: process.env.MONGO_APP_PASSWORD,
    roles: [{ role: 'readWrite', db: process.env.MONGODB_DB }],
  });
  print(`user regulars created on ${process.env.MONGODB_DB}`);
} else {
  appDb.updateUser('regulars', { pwd: process.env.MONGO_APP_PASSWORD });
  print('user regulars exists (password set again)');
}
