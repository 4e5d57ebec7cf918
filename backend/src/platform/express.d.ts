import type { Principal } from './principal.js';

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export {};
