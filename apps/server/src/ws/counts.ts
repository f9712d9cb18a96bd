// How many of something each key holds (open sockets per address, per conversation, per agent): a
// key that drops to zero is forgotten, so the map holds only what is open.
export class Counts {
  private readonly n = new Map<string, number>();

  get(key: string): number {
    return this.n.get(key) ?? 0;
  }

  add(key: string): void {
    this.n.set(key, this.get(key) + 1);
  }

  /** one less; what is left */
  remove(key: string): number {
    const left = this.get(key) - 1;
    if (left <= 0) this.n.delete(key);
    else this.n.set(key, left);
    return Math.max(0, left);
  }
}
