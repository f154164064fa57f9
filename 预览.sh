#!/bin/sh
# 网站预览（Linux / macOS）：双击或在终端里运行 ./预览.sh
# 第一次使用时先准备运行环境（需要联网，约几分钟，只需一次），然后启动预览并打开浏览器。
# 要停止预览：关闭这个窗口，或按 Ctrl+C。
# PREVIEW_PYTHON 可以指定用哪个 Python（测试用）；其余参数交给 build.py serve，如 --dev-addr 127.0.0.1:8001。

cd "$(dirname "$0")" || exit 1

pause_if_window() {
  # 双击打开的窗口在出错后保持打开，让人看得到原因；脚本或测试调用时不等待。
  if [ -t 0 ]; then
    printf '%s' "按回车键关闭这个窗口……"
    read -r _
  fi
}

python=${PREVIEW_PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then
      python=$candidate
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "没有找到 Python 3。请先安装它：Debian/Ubuntu 上运行 sudo apt install python3 python3-venv，"
  echo "其他系统从 https://www.python.org/downloads/ 下载。装好后再运行这个“预览”。"
  pause_if_window
  exit 1
fi

echo "正在启动预览。准备好后会自动打开浏览器；要停止预览，关闭这个窗口或按 Ctrl+C。"

"$python" build.py serve --open "$@"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ]; then
  echo ""
  echo "预览没有启动成功，原因见上面的说明。改好以后，再运行一次“预览”。"
  pause_if_window
fi
exit "$status"
