export * from './names.js';
export * from './time.js';
export * from './inventory.js';
export * from './world.js';
export * from './policy.js';
export * from './recommendation.js';
export * from './admin.js';
export * from './maintenance-window.js';
