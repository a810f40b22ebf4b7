export { bertTaggerMethod } from './method.ts';
export { type TaggerParams, taggerParams } from './params.ts';
