/** "stage x" -> "Stage x", for messages that start with a description. */
export const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
