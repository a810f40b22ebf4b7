/**
 * A real OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the bench. The
 * test's `answer` function decides each reply from the request (status, headers, content, delay);
 * every request body is recorded.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage } from '../../harness/llm/types.ts';

export interface ChatCall {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  authorization?: string;
  [key: string]: unknown;
}

export type FakeReply =
  | { content: string; delayMs?: number; promptTokens?: number; completionTokens?: number; model?: string }
  | { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number };

export interface FakeChatServer {
  baseUrl: string;
  calls: ChatCall[];
  /** the inputs of each embeddings request */
  embeddingCalls: string[][];
  close(): Promise<void>;
}

/**
 * `answer` decides each chat reply; `embed` (optional) gives the vector of one text for
 * POST .../embeddings (its inputs are recorded in `embeddingCalls`).
 */
export async function startFakeChatServer(
  answer: (call: ChatCall, index: number) => FakeReply,
  embed?: (text: string) => number[],
): Promise<FakeChatServer> {
  const calls: ChatCall[] = [];
  const embeddingCalls: string[][] = [];
  const server: Server = createServer(async (request, response) => {
    try {
      if (request.url?.endsWith('/embeddings') && embed) {
        const { input } = JSON.parse(await readBody(request)) as { input: string[] };
        embeddingCalls.push(input);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            object: 'list',
            model: 'embed',
            data: input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })),
            usage: { prompt_tokens: input.length, total_tokens: input.length },
          }),
        );
        return;
      }
      const call = {
        ...(JSON.parse(await readBody(request)) as ChatCall),
        authorization: request.headers.authorization,
      };
      const index = calls.push(call) - 1;
      const reply = answer(call, index);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (response.destroyed) return;
      if ('status' in reply) {
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(
          JSON.stringify(reply.body ?? { error: { message: `status ${reply.status}`, type: 'test' } }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${index}`,
          object: 'chat.completion',
          created: 0,
          model: reply.model ?? call.model,
          choices: [
            { index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' },
          ],
          usage: {
            prompt_tokens: reply.promptTokens ?? 10,
            completion_tokens: reply.completionTokens ?? 2,
            total_tokens: (reply.promptTokens ?? 10) + (reply.completionTokens ?? 2),
          },
        }),
      );
    } catch (error) {
      response.writeHead(500);
      response.end(String(error));
    }
  });
  // many requests at once in the bench
  server.maxConnections = 1024;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    embeddingCalls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
