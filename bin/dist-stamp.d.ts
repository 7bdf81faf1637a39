// Types of dist-stamp.js, for the tests and scripts written in TypeScript.
export declare const STAMP_FILE: string;
export declare function sourceStamp(src: string): string | undefined;
export declare function staleReason(src: string, dist: string): string | undefined;
