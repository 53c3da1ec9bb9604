export declare const PG_BIN: string;
export declare function missingPostgres(bin?: string): string | null;
export declare function freePort(): Promise<number>;
export interface Cluster {
  readonly port: number;
  readonly dir: string;
  readonly running: boolean;
  url(database?: string): string;
  start(): void;
  stop(mode?: 'fast' | 'immediate' | 'smart'): void;
  destroy(): void;
}
export declare function startCluster(options?: { bin?: string; settings?: string[] }): Promise<Cluster>;
