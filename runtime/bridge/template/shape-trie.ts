import { sameText, type TokenClassifier, type TokenInfo } from "./classify";
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

/** A word token leading to a node, chained with the node's other words (of the same hash, once indexed). */
interface WordEdge<R> {
  readonly text: string;
  readonly hash: number;
  readonly node: ShapeNode<R>;
  readonly next: WordEdge<R> | undefined;
}

const PENDING: Shape = { keys: [], infos: [], values: undefined };

class ShapeNode<R> implements ShapeAndSignature<R> {
  /** After a token that is a parameter by its characters alone (`TokenScanner.parameter`). */
  parameter: ShapeNode<R> | undefined = undefined;
  /** After a token without digits, by its text: its classification never has to be looked up again. */
  words: WordEdge<R> | undefined = undefined;
  wordCount = 0;
  /** `words` by hash, once there are more than MAX_LISTED_WORDS. */
  wordsByHash: Map<number, WordEdge<R>> | undefined = undefined;
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
 * per message. Tokens with digits that still need classifying (`amount=22.99`, `(12ms)`) are
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
      let edge = node.wordsByHash === undefined ? node.words : node.wordsByHash.get(hash);
      for (; edge !== undefined; edge = edge.next) {
        if (edge.hash === hash && sameText(edge.text, message, scanner.start, scanner.end)) return edge.node;
      }
    }
    return this.classifiedChild(node, message);
  }

  /** After a token that is no known word of `node`: by its classification; a new word becomes an edge. */
  private classifiedChild(node: ShapeNode<R>, message: string): ShapeNode<R> {
    const scanner = this.scanner;
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
    }
    return child;
  }

  private addWord(node: ShapeNode<R>, text: string, hash: number, child: ShapeNode<R>): void {
    const index = node.wordsByHash;
    if (index !== undefined) {
      index.set(hash, { text, hash, node: child, next: index.get(hash) });
      return;
    }
    node.words = { text, hash, node: child, next: node.words };
    if (++node.wordCount <= MAX_LISTED_WORDS) return;
    const byHash = new Map<number, WordEdge<R>>();
    for (let edge: WordEdge<R> | undefined = node.words; edge !== undefined; edge = edge.next) {
      byHash.set(edge.hash, { text: edge.text, hash: edge.hash, node: edge.node, next: byHash.get(edge.hash) });
    }
    node.wordsByHash = byHash;
    node.words = undefined;
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
