"""Starts and stops paperdex-serve for the tests and benchmarks (stdlib only).

Used by tests/test_serve.py, tests/browser_test.py and bench/load.py. The
server listens on 127.0.0.1 port 0 (a free port the kernel picks) and its
first stderr line names the port, so two runs never race for a port.
"""
import os
import re
import select
import signal
import subprocess
import time

# Digests written for the tests (our own words, no corpus text). The
# hostile paper's title, authors and summary carry markup that a page
# would run if it inserted index strings as HTML.
HOSTILE_TITLE = '<script>window.__pwned=1</script> "><img src=x onerror="window.__pwned=2"> Tricky Title'
HOSTILE_AUTHORS = 'Eve <b>Bold</b>, Mallory "><svg onload=window.__pwned=3>, Trent </script><script>window.__pwned=4</script>'
HOSTILE_SUMMARY = ('- **What\'s New**: 이 논문은 <script>window.__pwned=5</script> 토큰을 요약에 넣어 '
                   '검색 페이지의 escaping을 시험합니다. "><img src=x onerror=window.__pwned=6> '
                   'and </textarea></script> appear verbatim in the summary.')

DIGEST_A = """## Daily Papers (2024-03-05)

### [Sparse Diffusion Transformers for Fast Video Synthesis](https://arxiv.org/abs/2403.00001)

Vote: 41

Authors: Mina Park, Joon Kim, Lea Schmidt

- **What's New**: 이 연구는 비디오 생성을 위한 희소 diffusion 모델을 제안합니다. 적은 계산으로 긴 영상을 만듭니다.
- **Technical Details**: 주의(attention)를 블록 단위로 잘라 연산을 줄이고 강화학습 없이 학습합니다.

### [{ht}](https://arxiv.org/abs/2403.00002)

Vote: 7

Authors: {ha}

{hs}

## Daily Papers (2024-04-11)

### [Reward Shaping for Reinforcement Learning Agents](https://arxiv.org/abs/2404.00003)

Vote: 19

Authors: Ana Costa, Wei Zhang

- **What's New**: 강화 학습(Reinforcement Learning) 에이전트의 보상 설계를 단순하게 만드는 방법을 소개합니다.
- **Performance Highlights**: 여러 게임 환경에서 diffusion 정책보다 빠르게 수렴합니다.

### [A Survey of Retrieval for Korean Text](https://arxiv.org/abs/2404.00004)

Vote: 3

Authors: Hana Lee

- **What's New**: 한국어 문서 검색 방법을 정리한 서베이입니다. 형태소 분석과 bigram 색인을 비교합니다.
""".format(ht=HOSTILE_TITLE, ha=HOSTILE_AUTHORS, hs=HOSTILE_SUMMARY)

# A second day, added in the replacement tests (so the paper count moves).
DIGEST_B = """## Daily Papers (2024-05-20)

### [Compact Language Models for Edge Devices](https://arxiv.org/abs/2405.00005)

Vote: 12

Authors: Sam Ortiz, Yuki Tanaka

- **What's New**: 작은 언어 모델(Language Model)을 휴대 기기에서 돌리기 위한 양자화 방법을 제안합니다.
"""


def many_papers_digest(n, day="2024-06-02"):
    """A digest of n plain papers (ids 2406.1xxxx), for paging tests."""
    parts = ["## Daily Papers ({})\n".format(day)]
    for i in range(n):
        parts.append("### [Paging Paper Number {i} about diffusion](https://arxiv.org/abs/2406.{id:05d})\n\n"
                     "Vote: {v}\n\nAuthors: Author {i}\n\n"
                     "- **What's New**: diffusion 모델 실험 {i}번을 설명합니다.\n".format(i=i, id=10000 + i, v=i % 50))
    return "\n".join(parts)


def build_index(bin_dir, out, digests_dir):
    """Runs paperdex-index (atomic replacement of out)."""
    subprocess.run([os.path.join(bin_dir, "paperdex-index"), "--quiet", "-o", out, digests_dir],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)


class Server:
    """A paperdex-serve process on a free loopback port."""

    def __init__(self, bin_dir, index, *args, listen="127.0.0.1:0"):
        self.proc = subprocess.Popen(
            [os.path.join(bin_dir, "paperdex-serve"), "-i", index, "--listen", listen, *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.stderr_lines = []
        line = self._readline(10)
        m = re.search(r"on http://(\[[^\]]+\]|[^:/]+):(\d+)/", line or "")
        if not m:
            self.stop()
            raise RuntimeError("paperdex-serve did not start: %r" % (line,))
        self.host = m.group(1).strip("[]")
        self.port = int(m.group(2))
        self.base = "http://127.0.0.1:%d" % self.port

    def _readline(self, timeout):
        """One stderr line, waiting at most timeout seconds."""
        end = time.time() + timeout
        buf = b""
        fd = self.proc.stderr.fileno()
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], max(0.0, end - time.time()))
            if not r:
                break
            ch = os.read(fd, 1)
            if not ch:
                break
            buf += ch
            if ch == b"\n":
                break
        line = buf.decode("utf-8", "replace")
        if line:
            self.stderr_lines.append(line)
        return line

    def read_stderr(self, timeout=0.2):
        """Collects the stderr lines available within timeout."""
        while self._readline(timeout):
            pass
        return "".join(self.stderr_lines)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stops the server; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rest = self.proc.stderr.read().decode("utf-8", "replace")
        self.stderr_lines.append(rest)
        self.proc.stderr.close()
        return self.proc.returncode

    def rss_kib(self, field="VmRSS"):
        """Resident memory of the server process (KiB), from /proc: VmRSS
        (all of it, the mapped index's pages included) or RssAnon (the
        heap and stacks: what a leak would grow)."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0


# Invented papers for the documentation screenshot (our own words): a
# topic that rises over a year, so the histogram has a shape.
DEMO_TOPICS = [
    ("Curriculum Rewards for Reinforcement Learning in Robot Grasping",
     "로봇 파지(grasping)를 위한 강화 학습(Reinforcement Learning)에서 쉬운 과제부터 어려운 과제로 보상을 바꾸는 커리큘럼을 제안합니다."),
    ("Offline Reinforcement Learning from Noisy Logs",
     "잡음이 많은 로그만으로 정책을 배우는 오프라인 강화학습 방법을 소개하고, 분포 이동을 줄이는 정규화를 더합니다."),
    ("Reasoning Models Trained with Verifiable Rewards",
     "수학 문제의 정답 검증기를 보상으로 쓰는 강화 학습으로 언어 모델의 추론 능력을 높입니다."),
    ("Diffusion Policies Meet Reinforcement Learning",
     "diffusion 정책을 강화학습으로 미세 조정하여 로봇 조작 과제의 성공률을 끌어올립니다."),
    ("Multi-Agent Reinforcement Learning for Traffic Signals",
     "교차로 신호를 여러 에이전트가 함께 제어하도록 다중 에이전트 강화 학습을 적용합니다."),
    ("Reward Models that Explain Their Preferences",
     "선호도 데이터로 학습한 보상 모델이 판단 근거를 함께 출력하도록 하여 RLHF의 안정성을 높입니다."),
]


def demo_digests(folder):
    """Writes a year of invented digests into folder (for screenshots)."""
    n = 0
    for month in range(1, 13):
        papers = []
        for k in range(1 + (month * 7) % 4 + month // 3):
            title, summary = DEMO_TOPICS[(month + k) % len(DEMO_TOPICS)]
            n += 1
            papers.append("### [{t} ({m}/{k})](https://arxiv.org/abs/2401.{id:05d})\n\nVote: {v}\n\n"
                          "Authors: Demo Author {k}, Example Writer {m}\n\n- **What's New**: {s}\n"
                          .format(t=title, m=month, k=k + 1, id=20000 + n, v=(n * 37) % 90, s=summary))
        with open(os.path.join(folder, "2024-%02d-10.md" % month), "w") as f:
            f.write("## Daily Papers (2024-%02d-10)\n\n" % month + "\n".join(papers))
