/** Options shared by several commands. */
export interface StoreArgs {
  store: string;
}
