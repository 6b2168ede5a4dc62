/**
 * Client-side traffic inside a topology: sequential HTTP GETs and UDP echoes to the VIP, from a
 * small node program running in a client namespace, reporting which real server answered each.
 *
 * Bounded: a fixed number of requests, each with its own timeout, and the whole run killed at
 * count × timeout + 5 s. Every request is a new connection (no keep-alive), so each is scheduled.
 * Must not: send anywhere but the given address (always one inside the topology).
 */
import type { Topology, Host } from './topology.js';

/** One request's outcome: the answering server's name, or `error: ...`. */
export interface Answer {
  i: number;
  answer: string;
}

function clientScript(kind: 'http' | 'udp', addr: string, port: number, count: number, ms: number): string {
  const head = `const A=${JSON.stringify(addr)},P=${port},N=${count},T=${ms};let i=0;`;
  const out = `const out=(k,a)=>process.stdout.write(JSON.stringify({i:k,answer:a})+'\\n');`;
  if (kind === 'http')
    return (
      head +
      out +
      `const http=require('http');function one(){if(i>=N)return;const k=i++;let done=false;` +
      `const fin=(a)=>{if(done)return;done=true;out(k,a);one()};` +
      `const q=http.get({host:A,port:P,path:'/',agent:false,timeout:T},(r)=>{let b='';r.setEncoding('utf8');` +
      `r.on('data',(d)=>b+=d);r.on('end',()=>fin(b.trim()));r.on('error',(e)=>fin('error: '+e.message))});` +
      `q.on('timeout',()=>q.destroy(new Error('timeout')));q.on('error',(e)=>fin('error: '+e.message))}one();`
    );
  return (
    head +
    out +
    `const dgram=require('dgram');function one(){if(i>=N)return;const k=i++;` +
    `const s=dgram.createSocket(A.includes(':')?'udp6':'udp4');let done=false;` +
    `const fin=(a)=>{if(done)return;done=true;clearTimeout(t);s.close();out(k,a);one()};` +
    `const t=setTimeout(()=>fin('error: timeout'),T);const msg='ping '+k;` +
    `s.on('message',(m)=>{const x=m.toString();fin(x.endsWith(' '+msg)?x.slice(0,-msg.length-1):'error: bad echo '+x)});` +
    `s.on('error',(e)=>fin('error: '+e.message));s.send(msg,P,A)}one();`
  );
}

/**
 * sendRequests runs `count` sequential requests from `client` to `addr:port` (default the VIP)
 * and resolves with every answer in order; `onAnswer` sees each as it arrives.
 */
export async function sendRequests(
  topo: Topology,
  opts: {
    kind: 'http' | 'udp';
    count: number;
    client?: Host;
    addr?: string;
    port?: number;
    timeoutMs?: number;
    onAnswer?: (a: Answer) => void;
  },
): Promise<Answer[]> {
  const client = opts.client ?? topo.clients[0]!;
  const addr = opts.addr ?? topo.vip;
  const port = opts.port ?? (opts.kind === 'http' ? topo.vport : topo.udpPort);
  const ms = opts.timeoutMs ?? 3000;
  const script = clientScript(opts.kind, addr, port, opts.count, ms);
  const p = topo.spawn(client.ns, `${client.role} ${opts.kind} client`, [process.execPath, '-e', script]);
  const answers: Answer[] = [];
  let seen = 0;
  const parse = (): void => {
    const lines = p.output().split('\n');
    for (; seen < lines.length - 1; seen++) {
      const line = lines[seen]!;
      if (!line.startsWith('{')) continue;
      const a = JSON.parse(line) as Answer;
      answers.push(a);
      opts.onAnswer?.(a);
    }
  };
  const poll = setInterval(parse, 20);
  try {
    await p.stop(null, opts.count * ms + 5000);
  } finally {
    clearInterval(poll);
  }
  parse();
  for (let i = answers.length; i < opts.count; i++) answers.push({ i, answer: 'error: no answer' });
  return answers;
}

/** countAnswers counts answers by server name (errors under their text), in first-seen order. */
export function countAnswers(answers: readonly Answer[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of answers) m.set(a.answer, (m.get(a.answer) ?? 0) + 1);
  return m;
}
