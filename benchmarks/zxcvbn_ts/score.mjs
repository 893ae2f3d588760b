// Scores passwords with zxcvbn-ts (common + English dictionaries, its recommended setup) for
// benchmarks/bench_accuracy.py: reads a JSON array of strings on stdin, writes a JSON array of
// [score, guessesLog10] pairs on stdout. Installed by `npm ci` in this folder; never run by tests.
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as en from '@zxcvbn-ts/language-en'

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
})

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => { input += chunk })
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((password) => {
    const result = zxcvbn.check(password)
    return [result.score, result.guessesLog10]
  })
  process.stdout.write(JSON.stringify(results))
})
