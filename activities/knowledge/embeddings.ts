import OpenAI from 'openai';
import type { Config } from '../../config';

export type EmbeddingUse = 'query' | 'document';

/** An OpenAI-compatible embeddings endpoint, and how near a passage must be to a question to answer it. */
export interface Embedder {
  model: string;
  minSimilarity: number;
  sureSimilarity: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[], use: EmbeddingUse, signal?: AbortSignal): Promise<number[][]>;
}

/** Texts per request: providers cap a request's inputs (OpenAI at 2,048), and a small local model is slow. */
const batchSize = 16;

/**
 * The embeddings endpoint from config; null when EMBEDDINGS_MODEL is unset (full-text search only). One attempt
 * per call: the activity or request that calls it owns retries.
 */
export function createEmbedder(config: Config): Embedder | null {
  const model = config.EMBEDDINGS_MODEL;
  if (!model) return null;
  const client = new OpenAI({
    // By default the model's own provider: OPENAI_BASE_URL and OPENAI_API_KEY.
    apiKey: config.EMBEDDINGS_API_KEY ?? (config.EMBEDDINGS_BASE_URL ? 'none' : (config.OPENAI_API_KEY ?? 'none')),
    baseURL: config.EMBEDDINGS_BASE_URL ?? config.OPENAI_BASE_URL,
    timeout: config.EMBEDDINGS_TIMEOUT_MS,
    maxRetries: 0,
  });
  return {
    model: config.EMBEDDINGS_DIMENSIONS ? `${model}@${config.EMBEDDINGS_DIMENSIONS}` : model,
    minSimilarity: config.EMBEDDINGS_MIN_SIMILARITY,
    sureSimilarity: config.EMBEDDINGS_SURE_SIMILARITY,
    async embed(texts, use, signal) {
      const vectors: number[][] = [];
      for (let from = 0; from < texts.length; from += batchSize) {
        const input = texts.slice(from, from + batchSize);
        const response = await client.embeddings.create(
          {
            model,
            input,
            encoding_format: 'float',
            ...(config.EMBEDDINGS_DIMENSIONS ? { dimensions: config.EMBEDDINGS_DIMENSIONS } : {}),
            ...(config.EMBEDDINGS_INPUT_TYPE ? { input_type: use } : {}),
          } as OpenAI.EmbeddingCreateParams,
          { signal },
        );
        const data = [...response.data].sort((a, b) => a.index - b.index);
        if (data.length !== input.length) throw new Error(`the embeddings endpoint returned ${data.length} vectors for ${input.length} texts`);
        vectors.push(...data.map((d) => d.embedding));
      }
      return vectors;
    },
  };
}
