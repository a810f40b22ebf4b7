/**
 * The run records moved to harness/tracking/types.ts (the store owns them). This re-export keeps
 * branches written before the move compiling; import from tracking in new code.
 */
export * from '../tracking/types.ts';
