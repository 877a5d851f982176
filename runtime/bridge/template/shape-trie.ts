import { keyOnlyPairEnd, sameText, textHash, type TokenClassifier, type TokenInfo } from "./classify";
import { classifyTokens, isAllParameters, parametersOnly, TokenScanner, type Shape } from "./shape";

/** Joins a shape's keys into its signature, the key of the miner's shape memory. */
export const SHAPE_SEPARATOR = "\u0000";

/** Nodes and word edges a trie holds before it starts over (a bound for logs whose words never repeat). */
const DEFAULT_CAPACITY = 20_000;

export interface ShapeAndSignature<R = unknown> {
  readonly shape: Shape;
  /** `shape.keys` joined by SHAPE_SEPARATOR. */
  readonly signature: string;
  /**
   * What the trie's user last decided for this shape (the miner: the cluster it went to), valid
   * while `routedEpoch` is the user's current epoch: found on the node the walk ends at, without
   * a lookup by signature in a map that is seldom in cache.
   */
  routed: R | undefined;
  routedEpoch: number;
}

/** Word edges a node lists before it indexes them by hash (most nodes have one or two). */
const MAX_LISTED_WORDS = 8;
/** Buckets of a node's index when it is made (a power of two), and words per bucket before it doubles. */
const FIRST_BUCKETS = 16;
const WORDS_PER_BUCKET = 2;

/** A word token leading to a node, chained with the node's other words (of the same bucket, once indexed). */
interface WordEdge<R> {
  readonly text: string;
  readonly hash: number;
  readonly node: ShapeNode<R>;
  readonly next: WordEdge<R> | undefined;
}

const PENDING: Shape = { keys: [], infos: [], values: undefined };

/** The edges of `chains` (one chain, or buckets of them) in `size` buckets (a power of two). */
function rebucket<R>(chains: WordEdge<R> | readonly (WordEdge<R> | undefined)[], size: number): (WordEdge<R> | undefined)[] {
  const buckets = new Array<WordEdge<R> | undefined>(size).fill(undefined);
  for (const chain of Array.isArray(chains) ? chains : [chains]) {
    for (let edge: WordEdge<R> | undefined = chain; edge !== undefined; edge = edge.next) {
      const at = edge.hash & (size - 1);
      buckets[at] = { text: edge.text, hash: edge.hash, node: edge.node, next: buckets[at] };
    }
  }
  return buckets;
}

class ShapeNode<R> implements ShapeAndSignature<R> {
  /** After a token that is a parameter by its characters alone (`TokenScanner.parameter`). */
  parameter: ShapeNode<R> | undefined = undefined;
  /**
   * After a token without digits, by its text: its classification never has to be looked up again.
   * The node's first word is held here, not as an edge: most nodes have one, and the walk then
   * reads no edge object.
   */
  firstWord = "";
  firstWordHash = 0;
  firstWordNode: ShapeNode<R> | undefined = undefined;
  /** The node's other words. */
  words: WordEdge<R> | undefined = undefined;
  wordCount = 0;
  /**
   * `words` by hash, once there are more than MAX_LISTED_WORDS: chains in a power-of-two number of
   * buckets, indexed by the hash's low bits (an array slot, where a map hashed the hash again).
   */
  wordBuckets: (WordEdge<R> | undefined)[] | undefined = undefined;
  /**
   * After a `key=value` token classified by its key alone (`keyOnlyPairEnd`), by its `key=`: the
   * first MAX_LISTED_WORDS keys only, so that ever-new keys cannot make the walk a long scan
   * (the others go by their classification).
   */
  pairs: WordEdge<R> | undefined = undefined;
  pairCount = 0;
  /** After any other token, by its classification (one object per distinct classification). */
  classified: Map<TokenInfo, ShapeNode<R>> | undefined = undefined;
  /** The shape of every message whose tokens end here; PENDING until one does. */
  shape = PENDING;
  signature = "";
  /** The shape is `parametersOnly`: it depends on the characters of the parameters, so it is not kept. */
  parametersOnly = false;
  routed: R | undefined = undefined;
  routedEpoch = -1;
}

/**
 * A message's shape, kept per token sequence. A shape depends on a message only through its token
 * count, the text of each token that is classified (a token's class is a pure function of its text
 * and of being first) and which tokens are parameters by their characters alone, whatever those
 * characters; so messages that lead to the same node share one shape, computed (`classifyTokens`)
 * for the first of them. Walking the trie costs one scan of the message and, per word, a hash
 * lookup checked against the word's characters: no substring, no memo lookup by string, no arrays
 * per message. A `key=value` token whose value is a plain parameter (`amount=22.99`) leads on by
 * its `key=`, like a word. Other tokens with digits that still need classifying (`(12ms)`) are
 * looked up in the classifier's memo by the same hash on every message and lead on by their
 * classification, so their ever-new values do not grow the trie.
 */
export class ShapeTrie<R = unknown> {
  private root = new ShapeNode<R>();
  private entries = 0;
  private readonly scanner = new TokenScanner();

  constructor(
    private readonly classifier: TokenClassifier,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  of(message: string): ShapeAndSignature<R> {
    if (this.entries >= this.capacity) {
      this.root = new ShapeNode();
      this.entries = 0;
    }
    const scanner = this.scanner;
    scanner.reset(message);
    let node = this.root;
    while (scanner.next()) node = scanner.parameter ? (node.parameter ??= this.newNode()) : this.tokenChild(node, message);
    if (node.shape === PENDING) this.complete(node, message);
    if (!node.parametersOnly) return node;
    const shape = parametersOnly(message, node.shape.values);
    return { shape, signature: shape.keys[0], routed: undefined, routedEpoch: -1 };
  }

  private tokenChild(node: ShapeNode<R>, message: string): ShapeNode<R> {
    const scanner = this.scanner;
    if (!scanner.quoted) {
      const hash = scanner.hash;
      const first = node.firstWordNode;
      if (first !== undefined && node.firstWordHash === hash && sameText(node.firstWord, message, scanner.start, scanner.end)) return first;
      const buckets = node.wordBuckets;
      let edge = buckets === undefined ? node.words : buckets[hash & (buckets.length - 1)];
      for (; edge !== undefined; edge = edge.next) {
        if (edge.hash === hash && sameText(edge.text, message, scanner.start, scanner.end)) return edge.node;
      }
    }
    return this.classifiedChild(node, message);
  }

  /** After a token that is no known word of `node`: by its classification; a new word becomes an edge. */
  private classifiedChild(node: ShapeNode<R>, message: string): ShapeNode<R> {
    const scanner = this.scanner;
    const pairEnd = scanner.digit && !scanner.quoted ? keyOnlyPairEnd(message, scanner.start, scanner.end) : -1;
    let pairHash = 0;
    if (pairEnd >= 0) {
      pairHash = textHash(message, scanner.start, pairEnd + 1);
      for (let edge = node.pairs; edge !== undefined; edge = edge.next) {
        if (edge.hash === pairHash && sameText(edge.text, message, scanner.start, pairEnd + 1)) return edge.node;
      }
    }
    const leading = scanner.count === 1;
    let info: TokenInfo;
    if (!scanner.quoted) info = this.classifier.classifyAt(message, scanner.start, scanner.end, scanner.hash, leading);
    else {
      // The scanner's hash skipped the quoted characters: by the token's text.
      const token = message.slice(scanner.start, scanner.end);
      info = leading ? this.classifier.classifyLeading(token) : this.classifier.classify(token);
    }
    const classified = (node.classified ??= new Map());
    let child = classified.get(info);
    if (child === undefined) {
      child = this.newNode();
      classified.set(info, child);
    }
    if (!scanner.digit && !scanner.quoted) {
      this.addWord(node, message.slice(scanner.start, scanner.end), scanner.hash, child);
      this.entries++;
    } else if (pairEnd >= 0 && node.pairCount < MAX_LISTED_WORDS) {
      node.pairs = { text: message.slice(scanner.start, pairEnd + 1), hash: pairHash, node: child, next: node.pairs };
      node.pairCount++;
      this.entries++;
    }
    return child;
  }

  private addWord(node: ShapeNode<R>, text: string, hash: number, child: ShapeNode<R>): void {
    if (node.firstWordNode === undefined) {
      node.firstWord = text;
      node.firstWordHash = hash;
      node.firstWordNode = child;
      return;
    }
    const count = ++node.wordCount;
    let buckets = node.wordBuckets;
    if (buckets === undefined) {
      node.words = { text, hash, node: child, next: node.words };
      if (count <= MAX_LISTED_WORDS) return;
      buckets = rebucket(node.words, FIRST_BUCKETS);
      node.words = undefined;
    } else {
      const at = hash & (buckets.length - 1);
      buckets[at] = { text, hash, node: child, next: buckets[at] };
      if (count > buckets.length * WORDS_PER_BUCKET) buckets = rebucket(buckets, buckets.length * 2);
    }
    node.wordBuckets = buckets;
  }

  private complete(node: ShapeNode<R>, message: string): void {
    const shape = classifyTokens(message, this.classifier, this.scanner);
    node.shape = shape;
    node.parametersOnly = isAllParameters(shape);
    node.signature = shape.keys.join(SHAPE_SEPARATOR);
  }

  private newNode(): ShapeNode<R> {
    this.entries++;
    return new ShapeNode<R>();
  }
}
