/** The admin chain's format and verified fold are read by the repo model and git: src/model/admin-chain.ts. */
export * from '../model/admin-chain.js';
